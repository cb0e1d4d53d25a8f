//! The one native ABI of an asm-generic architecture, as a macro each architecture's
//! `abi.rs` expands with its names.

/// Defines `Abi` with one variant `$variant` (`$name`, `$audit`), the contract's methods.
macro_rules! native_abi {
    ($variant:ident, $name:literal, $audit:ident, $insn:literal, $num:literal, $args:literal) => {
        /// The ABI of a trapped system call: the architecture's one native ABI.
        ///
        /// # Examples
        ///
        /// ```
        /// use sigsys::Abi;
        #[doc = concat!("assert_eq!(Abi::from_audit_arch(sigsys::consts::", stringify!($audit), ", 172), Some(Abi::", stringify!($variant), "));")]
        /// assert_eq!(Abi::from_audit_arch(0, 0), None);
        /// ```
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Abi {
            #[doc = concat!("`", $insn, "`: number in ", $num, ", arguments in ", $args, ", result in the first.")]
            $variant,
        }

        impl Abi {
            /// The ABI of the gate's native exit.
            pub const NATIVE: Abi = Abi::$variant;

            /// Every ABI a process of this architecture can trap with (for the test kit).
            #[cfg_attr(not(feature = "testing"), allow(dead_code))]
            pub(crate) const ALL: &'static [Abi] = &[Abi::$variant];

            /// The ABI of a call from `si_arch` and `si_syscall`, or `None` for a foreign
            /// arch (compat calls included: a 64-bit process of this build cannot make
            /// them).
            pub const fn from_audit_arch(arch: u32, _si_syscall: i32) -> Option<Abi> {
                match arch {
                    $audit => Some(Abi::$variant),
                    _ => None,
                }
            }

            #[doc = concat!("Short lowercase name: `\"", $name, "\"`.")]
            pub const fn name(self) -> &'static str {
                $name
            }

            /// The number as the table knows it, from `si_syscall`.
            pub const fn table_number(self, si_syscall: i32) -> u32 {
                si_syscall as u32
            }

            /// The value to load into the number register to issue table number `nr`
            /// (sign-extended, as on x86_64; the kernel reads the low 32 bits).
            pub const fn rax_for(self, nr: u32) -> u64 {
                nr as i32 as i64 as u64
            }

            /// The `si_arch` the kernel reports for a call of this ABI.
            pub const fn audit_arch(self) -> u32 {
                $audit
            }

            /// Whether the kernel serves this ABI through its compat layer: never.
            pub(crate) const fn is_compat(self) -> bool {
                false
            }

            /// Whether registers, `long`s and pointers are 32 bits wide: never.
            pub(crate) const fn is_ilp32(self) -> bool {
                false
            }
        }
    };
}

pub(crate) use native_abi;
