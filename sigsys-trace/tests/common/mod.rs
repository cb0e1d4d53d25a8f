//! What every sigsys-trace test file needs.

/// Whether this kernel has Syscall User Dispatch. Without it the tests skip with a message,
/// unless `SIGSYS_TRACE_REQUIRE` is set (as CI sets it), when they fail instead.
pub fn sud() -> bool {
    let ok = sigsys::sud::is_supported();
    if !ok {
        if std::env::var_os("SIGSYS_TRACE_REQUIRE").is_some() {
            panic!("this kernel has no Syscall User Dispatch");
        }
        eprintln!("SKIPPED: no Syscall User Dispatch");
    }
    ok
}
