//! The calls the oracle makes, identically under strace and under the sigsys handler.
//!
//! Every call is a raw `libc::syscall`, with its buffers prepared before the start marker,
//! so that nothing but these calls happens between the markers (no allocation, no libc
//! wrapper with calls of its own).

use super::prims::{a, am, iovec, p, sc, Iovec, END, START};

#[repr(C)]
struct KSigaction {
    handler: u64,
    flags: u64,
    restorer: u64,
    mask: u64,
}

#[repr(C, packed)]
struct EpollEvent {
    events: u32,
    data: u64,
}

/// An i386 system call with `int $0x80` (from this code, so the filter traps it).
fn int80(nr: u32, args: [u32; 6]) -> i32 {
    let ret: u32;
    // SAFETY: saves the two registers Rust reserves, loads the six arguments from the array
    // `r8` points to, and declares everything `int $0x80` clobbers (the kernel zeroes
    // r8-r11 on return from it).
    unsafe {
        core::arch::asm!(
            "push rbx",
            "push rbp",
            "mov ebx, [r8]",
            "mov ecx, [r8 + 4]",
            "mov edx, [r8 + 8]",
            "mov esi, [r8 + 12]",
            "mov edi, [r8 + 16]",
            "mov ebp, [r8 + 20]",
            "int 0x80",
            "pop rbp",
            "pop rbx",
            inout("r8") args.as_ptr() => _,
            inlateout("eax") nr => ret,
            out("ecx") _,
            out("edx") _,
            out("esi") _,
            out("edi") _,
            out("r9") _,
            out("r10") _,
            out("r11") _,
        );
    }
    ret as i32
}

/// Memory below 4 GiB for the i386 calls' pointers, filled with `parts` laid out one after
/// the other; returns the address of each part.
fn low_memory(parts: &[&[u8]]) -> Vec<u32> {
    // SAFETY: a fresh anonymous mapping, written only here and by the calls.
    let base = unsafe {
        libc::mmap(
            std::ptr::null_mut(),
            4096,
            libc::PROT_READ | libc::PROT_WRITE,
            libc::MAP_PRIVATE | libc::MAP_ANONYMOUS | libc::MAP_32BIT,
            -1,
            0,
        )
    };
    assert_ne!(base, libc::MAP_FAILED);
    let mut at = base as usize;
    let mut addrs = Vec::new();
    for part in parts {
        // SAFETY: the parts fit in the page (checked by the caller's sizes).
        unsafe { std::ptr::copy_nonoverlapping(part.as_ptr(), at as *mut u8, part.len()) };
        addrs.push(u32::try_from(at).expect("MAP_32BIT memory is below 4 GiB"));
        at += (part.len() + 15) & !15;
    }
    assert!(at - base as usize <= 4096);
    addrs
}

/// Makes the calls; returns normally (the caller then exits).
pub fn run() {
    // Everything the calls need, prepared before the marker.
    let payload: &[u8] = b"hello\n\tworld\0\x01\xff\"quoted\" 7 and a tail long enough to be cut";
    let mut big = vec![0u8; 4096];
    let mut small = vec![0u8; 64];
    let mut small2 = vec![0u8; 64];
    let mut iov_a = vec![0u8; 6];
    let mut iov_b = vec![0u8; 6];
    let iov = [iovec(iov_a.as_mut_ptr(), 6), iovec(iov_b.as_mut_ptr(), 6)];
    let wiov_data = [*b"abc", *b"def"];
    let wiov = [
        iovec(wiov_data[0].as_ptr(), 3),
        iovec(wiov_data[1].as_ptr(), 2),
    ];
    let mut stat_buf = vec![0u8; 256];
    let mut cwd = vec![0u8; 4096];
    let mut uts = vec![0u8; 6 * 65];
    let mut rlim = [0u64; 2];
    let mut fds = [0i32; 2];
    let mut sv = [0i32; 2];
    let ign = KSigaction {
        handler: 1,
        flags: 0x0400_0000,
        restorer: 0x1234_5678,
        mask: 0,
    };
    let mut old_act = KSigaction {
        handler: 0,
        flags: 0,
        restorer: 0,
        mask: 0,
    };
    let usr2_alrm: u64 = (1 << (libc::SIGUSR2 - 1)) | (1 << (libc::SIGALRM - 1));
    let mut old_mask: u64 = 0;
    let mut pending: u64 = 0;
    let ts_1us = [0i64, 1000];
    let ts_zero = [0i64, 0];
    let tv_zero = [0i64, 0];
    let mut ts_out = [0i64; 2];
    let its = [0i64, 0, 100, 0];
    let mut sun = [0u8; 110];
    sun[0] = libc::AF_UNIX as u8;
    sun[2..6].copy_from_slice(b"sock");
    let mut sun_out = [0u8; 110];
    let mut sun_len: u32 = 7;
    let sin: [u8; 16] = [2, 0, 0, 0, 127, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0];
    let mut pfd = [0i32; 2];
    let ev = EpollEvent {
        events: libc::EPOLLIN as u32,
        data: 5,
    };
    let mut evs = [0u8; 12 * 4];
    let futex_word: u32 = 0;
    let mut name_out = [0u8; 16];
    let dumpable_name = c"oracle-prog";
    let mut fs_base: u64 = 0;
    let argv = [p(c"prog"), p(c"an argument"), 0];
    let ts32: Vec<u8> = [0u32, 1000].iter().flat_map(|v| v.to_ne_bytes()).collect();
    let ts64: Vec<u8> = [0u64, 1000].iter().flat_map(|v| v.to_ne_bytes()).collect();
    let sockargs: Vec<u8> = [AF_UNIX as u32, SOCK_DGRAM as u32, 0]
        .iter()
        .flat_map(|v| v.to_ne_bytes())
        .collect();
    let low = low_memory(&[
        b"i386.txt\0",
        b"from int 0x80\n",
        &ts32,
        &ts64,
        &[0u8; 64],
        &[0u8; 8],
        &[0u8; 32],
        &[0u8; 16],
        &[0u8; 96],
        &sockargs,
    ]);
    let [path32, text32, ts32, ts64, buf32, tv32, act32, rlim32, stat32, sockargs32] = low[..]
    else {
        unreachable!()
    };
    let mut dents = vec![0u8; 4096];
    let mut cpus = [0u8; 128];
    let one: i32 = 1;
    let mut optval: i32 = -1;
    let mut optlen: u32 = 4;
    let mut status: i32 = 0;
    let msg_data = *b"msg";
    let mut msg_in = [0u8; 8];
    let msg_iov = [Iovec {
        base: msg_data.as_ptr() as u64,
        len: 3,
    }];
    let msg_iov_in = [Iovec {
        base: msg_in.as_mut_ptr() as u64,
        len: 8,
    }];
    let msg = [0u64, 0, msg_iov.as_ptr() as u64, 1, 0, 0, 0];
    let mut msg_r = [0u64, 0, msg_iov_in.as_ptr() as u64, 1, 0, 0, 0];
    let usr2: u64 = 1 << (libc::SIGUSR2 - 1);
    let zero_itv = [0i64; 4];
    let utimes = [0i64, (1 << 30) - 1, 1_000_000_000, (1 << 30) - 2];
    let times = [1_000_000_000i64, 0, 1_700_000_000, 123_456_789];
    let tv_times = [86_399i64, 5, 951_782_400, 0];
    let mut off_in: i64 = 2;
    let mut child_tid: i32 = 0;
    let mut abstract_addr = [0u8; 6];
    abstract_addr[0] = libc::AF_UNIX as u8;
    abstract_addr[3..6].copy_from_slice(b"abs");
    let mut nope_addr = [0u8; 7];
    nope_addr[0] = libc::AF_UNIX as u8;
    nope_addr[2..6].copy_from_slice(b"nope");
    let mut sin6 = [0u8; 28];
    sin6[0] = libc::AF_INET6 as u8;
    sin6[23] = 1; // ::1
    let mut itv = [-1i64; 4];
    let envp = [p(c"A=1"), p(c"B=2"), 0];

    use libc::*;
    let fdcwd = AT_FDCWD as u64;
    let sc0 = |nr: c_long| sc(nr, [0; 6]);

    // Start.
    sc(SYS_close, [START as u64, 0, 0, 0, 0, 0]);

    // Files.
    let fd = sc(
        SYS_openat,
        [
            fdcwd,
            p(c"data.txt"),
            (O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC) as u64,
            0o644,
            0,
            0,
        ],
    ) as u64;
    sc(
        SYS_write,
        [fd, payload.as_ptr() as u64, payload.len() as u64, 0, 0, 0],
    );
    sc(SYS_pwrite64, [fd, p(c"XY"), 2, 100, 0, 0]);
    sc(SYS_writev, [fd, wiov.as_ptr() as u64, 2, 0, 0, 0]);
    sc(SYS_fsync, [fd, 0, 0, 0, 0, 0]);
    sc(SYS_ftruncate, [fd, 64, 0, 0, 0, 0]);
    sc(SYS_fchmod, [fd, 0o600, 0, 0, 0, 0]);
    sc(SYS_fstat, [fd, stat_buf.as_mut_ptr() as u64, 0, 0, 0, 0]);
    sc(SYS_close, [fd, 0, 0, 0, 0, 0]);
    let fd = sc(
        SYS_openat,
        [fdcwd, p(c"data.txt"), O_RDONLY as u64, 0, 0, 0],
    ) as u64;
    sc(SYS_read, [fd, big.as_mut_ptr() as u64, 4096, 0, 0, 0]);
    sc(SYS_read, [fd, big.as_mut_ptr() as u64, 4096, 0, 0, 0]);
    sc(SYS_lseek, [fd, 0, SEEK_SET as u64, 0, 0, 0]);
    sc(SYS_pread64, [fd, small.as_mut_ptr() as u64, 5, 0, 0, 0]);
    sc(SYS_readv, [fd, iov.as_ptr() as u64, 2, 0, 0, 0]);
    sc(SYS_lseek, [fd, (-4i64) as u64, SEEK_END as u64, 0, 0, 0]);
    sc(SYS_fcntl, [fd, F_GETFD as u64, 0, 0, 0, 0]);
    sc(SYS_fcntl, [fd, F_SETFD as u64, FD_CLOEXEC as u64, 0, 0, 0]);
    sc(SYS_fcntl, [fd, F_GETFD as u64, 0, 0, 0, 0]);
    sc(SYS_fcntl, [fd, F_GETFL as u64, 0, 0, 0, 0]);
    sc(SYS_fcntl, [fd, F_SETFL as u64, O_NONBLOCK as u64, 0, 0, 0]);
    let d1 = sc(SYS_fcntl, [fd, F_DUPFD_CLOEXEC as u64, 10, 0, 0, 0]) as u64;
    let d2 = sc(SYS_dup, [fd, 0, 0, 0, 0, 0]) as u64;
    sc(SYS_dup2, [d2, 20, 0, 0, 0, 0]);
    sc(SYS_dup3, [20, 21, O_CLOEXEC as u64, 0, 0, 0]);
    sc(SYS_ioctl, [fd, TCGETS, small.as_mut_ptr() as u64, 0, 0, 0]);
    for f in [d1, d2, 20, 21, fd] {
        sc(SYS_close, [f, 0, 0, 0, 0, 0]);
    }
    sc(SYS_close, [u64::MAX, 0, 0, 0, 0, 0]);
    sc(
        SYS_access,
        [p(c"data.txt"), (R_OK | W_OK) as u64, 0, 0, 0, 0],
    );
    sc(SYS_access, [p(c"missing"), F_OK as u64, 0, 0, 0, 0]);
    sc(
        SYS_faccessat2,
        [fdcwd, p(c"data.txt"), X_OK as u64, AT_EACCESS as u64, 0, 0],
    );
    sc(
        SYS_openat,
        [
            fdcwd,
            p(c"missing"),
            (O_RDONLY | O_DIRECTORY) as u64,
            0,
            0,
            0,
        ],
    );
    sc(SYS_truncate, [p(c"data.txt"), 10, 0, 0, 0, 0]);

    // Directories and links.
    sc(SYS_umask, [0o027, 0, 0, 0, 0, 0]);
    sc(SYS_umask, [0o022, 0, 0, 0, 0, 0]);
    sc(SYS_mkdir, [p(c"sub"), 0o755, 0, 0, 0, 0]);
    sc(SYS_mkdirat, [fdcwd, p(c"sub/inner"), 0o700, 0, 0, 0]);
    sc(SYS_symlinkat, [p(c"data.txt"), fdcwd, p(c"link"), 0, 0, 0]);
    sc(
        SYS_readlinkat,
        [fdcwd, p(c"link"), small.as_mut_ptr() as u64, 64, 0, 0],
    );
    sc(
        SYS_readlink,
        [p(c"link"), small.as_mut_ptr() as u64, 64, 0, 0, 0],
    );
    sc(SYS_renameat, [fdcwd, p(c"link"), fdcwd, p(c"link2"), 0, 0]);
    sc(SYS_rename, [p(c"link2"), p(c"link3"), 0, 0, 0, 0]);
    sc(SYS_unlink, [p(c"link3"), 0, 0, 0, 0, 0]);
    sc(
        SYS_newfstatat,
        [fdcwd, p(c"data.txt"), stat_buf.as_mut_ptr() as u64, 0, 0, 0],
    );
    sc(
        SYS_newfstatat,
        [
            fdcwd,
            p(c"/dev/null"),
            stat_buf.as_mut_ptr() as u64,
            0,
            0,
            0,
        ],
    );
    sc(SYS_chdir, [p(c"sub"), 0, 0, 0, 0, 0]);
    sc(SYS_getcwd, [cwd.as_mut_ptr() as u64, 4096, 0, 0, 0, 0]);
    let dfd = sc(
        SYS_openat,
        [fdcwd, p(c".."), (O_RDONLY | O_DIRECTORY) as u64, 0, 0, 0],
    ) as u64;
    sc(SYS_fchdir, [dfd, 0, 0, 0, 0, 0]);
    sc(SYS_close, [dfd, 0, 0, 0, 0, 0]);
    sc(
        SYS_unlinkat,
        [fdcwd, p(c"sub/inner"), AT_REMOVEDIR as u64, 0, 0, 0],
    );
    sc(SYS_rmdir, [p(c"sub"), 0, 0, 0, 0, 0]);
    sc(SYS_chmod, [p(c"data.txt"), 0o640, 0, 0, 0, 0]);
    sc(SYS_fchmodat, [fdcwd, p(c"data.txt"), 0o604, 0, 0, 0]);

    // Memory.
    let m = sc(
        SYS_mmap,
        [
            0,
            8192,
            (PROT_READ | PROT_WRITE) as u64,
            (MAP_PRIVATE | MAP_ANONYMOUS) as u64,
            u64::MAX,
            0,
        ],
    ) as u64;
    sc(SYS_mprotect, [m, 4096, PROT_READ as u64, 0, 0, 0]);
    sc(SYS_madvise, [m, 8192, MADV_DONTNEED as u64, 0, 0, 0]);
    sc(SYS_msync, [m, 8192, MS_SYNC as u64, 0, 0, 0]);
    sc(SYS_mlock, [m, 4096, 0, 0, 0, 0]);
    sc(SYS_munlock, [m, 4096, 0, 0, 0, 0]);
    sc(
        SYS_mprotect,
        [m, 4096, (PROT_READ | PROT_WRITE) as u64, 0, 0, 0],
    );
    sc(SYS_madvise, [m, 4096, 0x77, 0, 0, 0]);
    let m2 = sc(SYS_mremap, [m, 8192, 16384, MREMAP_MAYMOVE as u64, 0, 0]) as u64;
    sc(SYS_munmap, [m2, 16384, 0, 0, 0, 0]);
    sc(
        SYS_mprotect,
        [0x1000, 4096, (PROT_READ | 0x40) as u64, 0, 0, 0],
    );
    sc(SYS_brk, [0, 0, 0, 0, 0, 0]);

    // Processes.
    sc0(SYS_getpid);
    sc0(SYS_getppid);
    sc0(SYS_gettid);
    sc0(SYS_getuid);
    sc0(SYS_geteuid);
    sc0(SYS_getgid);
    sc0(SYS_getegid);
    let pid = sc0(SYS_getpid) as u64;
    sc(SYS_wait4, [u64::MAX, 0, WNOHANG as u64, 0, 0, 0]);
    sc(SYS_kill, [pid, 0, 0, 0, 0, 0]);
    sc(SYS_tgkill, [pid, pid, 0, 0, 0, 0]);
    sc(
        SYS_prctl,
        [PR_SET_NAME as u64, p(dumpable_name), 0, 0, 0, 0],
    );
    sc(
        SYS_prctl,
        [PR_GET_NAME as u64, name_out.as_mut_ptr() as u64, 0, 0, 0, 0],
    );
    // A name longer than the kernel keeps (15 bytes): strace's `"..."...`.
    sc(
        SYS_prctl,
        [PR_SET_NAME as u64, p(c"C1 CompilerThread0"), 0, 0, 0, 0],
    );
    sc(
        SYS_prctl,
        [PR_GET_NAME as u64, name_out.as_mut_ptr() as u64, 0, 0, 0, 0],
    );
    sc(
        SYS_prctl,
        [PR_SET_NAME as u64, p(dumpable_name), 0, 0, 0, 0],
    );
    sc(SYS_prctl, [PR_GET_DUMPABLE as u64, 0, 0, 0, 0, 0]);
    sc(SYS_getpriority, [PRIO_PROCESS as u64, 0, 0, 0, 0, 0]);
    sc0(SYS_sched_yield);
    sc(SYS_uname, [uts.as_mut_ptr() as u64, 0, 0, 0, 0, 0]);
    sc(
        SYS_getrlimit,
        [RLIMIT_NOFILE as u64, am(&mut rlim), 0, 0, 0, 0],
    );
    sc(
        SYS_prlimit64,
        [0, RLIMIT_STACK as u64, 0, am(&mut rlim), 0, 0],
    );
    sc(
        SYS_futex,
        [
            a(&futex_word),
            (FUTEX_WAKE | FUTEX_PRIVATE_FLAG) as u64,
            1,
            0,
            0,
            0,
        ],
    );

    // Signals.
    sc(SYS_rt_sigaction, [SIGUSR1 as u64, a(&ign), 0, 8, 0, 0]);
    sc(
        SYS_rt_sigaction,
        [SIGUSR1 as u64, 0, am(&mut old_act), 8, 0, 0],
    );
    sc(
        SYS_rt_sigprocmask,
        [SIG_BLOCK as u64, a(&usr2_alrm), 0, 8, 0, 0],
    );
    sc(
        SYS_rt_sigprocmask,
        [SIG_SETMASK as u64, 0, am(&mut old_mask), 8, 0, 0],
    );
    sc(
        SYS_rt_sigprocmask,
        [SIG_UNBLOCK as u64, a(&usr2_alrm), 0, 8, 0, 0],
    );
    sc(SYS_kill, [pid, SIGUSR1 as u64, 0, 0, 0, 0]);
    sc(SYS_rt_sigpending, [am(&mut pending), 8, 0, 0, 0, 0]);
    sc(SYS_alarm, [0, 0, 0, 0, 0, 0]);
    sc(SYS_kill, [pid, 99, 0, 0, 0, 0]);

    // Sockets.
    let s = sc(
        SYS_socket,
        [
            AF_UNIX as u64,
            (SOCK_STREAM | SOCK_CLOEXEC) as u64,
            0,
            0,
            0,
            0,
        ],
    ) as u64;
    sc(SYS_bind, [s, sun.as_ptr() as u64, 7, 0, 0, 0]);
    sc(SYS_listen, [s, 5, 0, 0, 0, 0]);
    sc(
        SYS_getsockname,
        [s, sun_out.as_mut_ptr() as u64, am(&mut sun_len), 0, 0, 0],
    );
    // A length the call changes (strace: `[110 => 7]`).
    sun_len = 110;
    sc(
        SYS_getsockname,
        [s, sun_out.as_mut_ptr() as u64, am(&mut sun_len), 0, 0, 0],
    );
    // Known difference: struct statfs is printed by address.
    sc(SYS_fstatfs, [s, stat_buf.as_mut_ptr() as u64, 0, 0, 0, 0]);
    sc(
        SYS_socketpair,
        [
            AF_UNIX as u64,
            SOCK_DGRAM as u64,
            0,
            sv.as_mut_ptr() as u64,
            0,
            0,
        ],
    );
    let (s0, s1) = (sv[0] as u64, sv[1] as u64);
    sc(SYS_sendto, [s0, p(c"ping"), 4, MSG_DONTWAIT as u64, 0, 0]);
    pfd[0] = sv[1];
    pfd[1] = POLLIN as i32;
    sc(SYS_poll, [pfd.as_mut_ptr() as u64, 1, 0, 0, 0, 0]);
    sc(SYS_recvfrom, [s1, small2.as_mut_ptr() as u64, 64, 0, 0, 0]);
    sc(SYS_poll, [pfd.as_mut_ptr() as u64, 1, 0, 0, 0, 0]);
    sc(
        SYS_recvfrom,
        [
            s1,
            small2.as_mut_ptr() as u64,
            64,
            MSG_DONTWAIT as u64,
            0,
            0,
        ],
    );
    sc(SYS_shutdown, [s0, SHUT_RDWR as u64, 0, 0, 0, 0]);
    let u = sc(SYS_socket, [AF_INET as u64, SOCK_DGRAM as u64, 0, 0, 0, 0]) as u64;
    sc(SYS_bind, [u, sin.as_ptr() as u64, 16, 0, 0, 0]);
    // Network device requests with a `struct ifreq` (name, then the union at 16).
    let mut ifr = [0u8; 40];
    ifr[..2].copy_from_slice(b"lo");
    for req in [
        libc::SIOCGIFINDEX,
        libc::SIOCGIFFLAGS,
        libc::SIOCGIFMTU,
        libc::SIOCGIFADDR,
    ] {
        sc(SYS_ioctl, [u, req, ifr.as_mut_ptr() as u64, 0, 0, 0]);
    }
    ifr[16..20].copy_from_slice(&1i32.to_ne_bytes());
    sc(
        SYS_ioctl,
        [u, libc::SIOCGIFNAME, ifr.as_mut_ptr() as u64, 0, 0, 0],
    );
    ifr[..16].copy_from_slice(b"sigsys-none\0\0\0\0\0");
    sc(
        SYS_ioctl,
        [u, libc::SIOCGIFINDEX, ifr.as_mut_ptr() as u64, 0, 0, 0],
    );
    for f in [s, s0, s1, u] {
        sc(SYS_close, [f, 0, 0, 0, 0, 0]);
    }

    // Time.
    sc(
        SYS_clock_getres,
        [CLOCK_MONOTONIC as u64, am(&mut ts_out), 0, 0, 0, 0],
    );
    sc(SYS_nanosleep, [a(&ts_1us), 0, 0, 0, 0, 0]);
    sc(
        SYS_clock_nanosleep,
        [CLOCK_MONOTONIC as u64, 0, a(&ts_1us), 0, 0, 0],
    );
    let t = sc(
        SYS_timerfd_create,
        [CLOCK_MONOTONIC as u64, TFD_CLOEXEC as u64, 0, 0, 0, 0],
    ) as u64;
    sc(SYS_timerfd_settime, [t, 0, a(&its), 0, 0, 0]);
    sc(SYS_close, [t, 0, 0, 0, 0, 0]);

    // Polling and event descriptors.
    sc(
        SYS_pipe2,
        [fds.as_mut_ptr() as u64, O_CLOEXEC as u64, 0, 0, 0, 0],
    );
    let e = sc(SYS_epoll_create1, [EPOLL_CLOEXEC as u64, 0, 0, 0, 0, 0]) as u64;
    sc(
        SYS_epoll_ctl,
        [e, EPOLL_CTL_ADD as u64, fds[0] as u64, a(&ev), 0, 0],
    );
    sc(SYS_epoll_wait, [e, evs.as_mut_ptr() as u64, 4, 0, 0, 0]);
    sc(SYS_write, [fds[1] as u64, p(c"x"), 1, 0, 0, 0]);
    sc(SYS_epoll_wait, [e, evs.as_mut_ptr() as u64, 4, 0, 0, 0]);
    sc(SYS_select, [0, 0, 0, 0, a(&tv_zero), 0]);
    sc(SYS_ppoll, [0, 0, a(&ts_zero), 0, 8, 0]);
    let ev_fd = sc(
        SYS_eventfd2,
        [0, (EFD_CLOEXEC | EFD_NONBLOCK) as u64, 0, 0, 0, 0],
    ) as u64;
    let mfd = sc(
        SYS_memfd_create,
        [p(c"oracle"), MFD_CLOEXEC as u64, 0, 0, 0, 0],
    ) as u64;
    for f in [e, fds[0] as u64, fds[1] as u64, ev_fd, mfd] {
        sc(SYS_close, [f, 0, 0, 0, 0, 0]);
    }
    sc(SYS_unlink, [p(c"data.txt"), 0, 0, 0, 0, 0]);
    sc(SYS_unlink, [p(c"sock"), 0, 0, 0, 0, 0]);

    // More flag sets, names and error paths.
    let f2 = sc(
        SYS_openat,
        [
            fdcwd,
            p(c"f2"),
            (O_RDWR | O_CREAT | O_EXCL | O_APPEND | O_NOFOLLOW) as u64,
            0o600,
            0,
            0,
        ],
    ) as u64;
    sc(SYS_fcntl, [f2, 0x77, 1, 0, 0, 0]);
    sc(SYS_lseek, [f2, 0, 7, 0, 0, 0]);
    sc(SYS_linkat, [fdcwd, p(c"f2"), fdcwd, p(c"hard"), 0, 0]);
    sc(
        SYS_fchownat,
        [
            fdcwd,
            p(c"hard"),
            u32::MAX as u64,
            u32::MAX as u64,
            AT_SYMLINK_NOFOLLOW as u64,
            0,
        ],
    );
    sc(
        SYS_mknodat,
        [fdcwd, p(c"fifo"), (S_IFIFO | 0o644) as u64, 0, 0, 0],
    );
    sc(
        SYS_mkdir,
        [
            p(c"a_directory_name_longer_than_thirty_two_bytes"),
            0o755,
            0,
            0,
            0,
            0,
        ],
    );
    sc(
        SYS_rmdir,
        [
            p(c"a_directory_name_longer_than_thirty_two_bytes"),
            0,
            0,
            0,
            0,
            0,
        ],
    );
    sc(
        SYS_access,
        [p(c"."), (R_OK | W_OK | X_OK) as u64, 0, 0, 0, 0],
    );
    for name in [c"f2", c"hard", c"fifo"] {
        sc(SYS_unlink, [p(name), 0, 0, 0, 0, 0]);
    }
    sc(SYS_close, [f2, 0, 0, 0, 0, 0]);
    let s2 = sc(
        SYS_socket,
        [
            AF_UNIX as u64,
            (SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK) as u64,
            0,
            0,
            0,
            0,
        ],
    ) as u64;
    let s6 = sc(
        SYS_socket,
        [
            AF_INET6 as u64,
            SOCK_STREAM as u64,
            IPPROTO_TCP as u64,
            0,
            0,
            0,
        ],
    ) as u64;
    let t2 = sc(
        SYS_timerfd_create,
        [
            CLOCK_REALTIME as u64,
            (TFD_CLOEXEC | TFD_NONBLOCK) as u64,
            0,
            0,
            0,
            0,
        ],
    ) as u64;
    let inf = sc(
        SYS_inotify_init1,
        [(IN_CLOEXEC | IN_NONBLOCK) as u64, 0, 0, 0, 0, 0],
    ) as u64;
    let sfd = sc(
        SYS_signalfd4,
        [
            u64::MAX,
            a(&usr2_alrm),
            8,
            (SFD_CLOEXEC | SFD_NONBLOCK) as u64,
            0,
            0,
        ],
    ) as u64;
    sc(
        SYS_pipe2,
        [
            fds.as_mut_ptr() as u64,
            (O_CLOEXEC | O_NONBLOCK) as u64,
            0,
            0,
            0,
            0,
        ],
    );
    for f in [s2, s6, t2, inf, sfd, fds[0] as u64, fds[1] as u64] {
        sc(SYS_close, [f, 0, 0, 0, 0, 0]);
    }
    sc(SYS_unshare, [0, 0, 0, 0, 0, 0]);
    sc(
        SYS_futex,
        [
            a(&futex_word),
            (FUTEX_WAIT | FUTEX_PRIVATE_FLAG) as u64,
            1,
            a(&ts_1us),
            0,
            0,
        ],
    );
    sc(
        SYS_rt_sigtimedwait,
        [a(&usr2_alrm), 0, a(&ts_zero), 8, 0, 0],
    );
    sc(SYS_getgroups, [0, 0, 0, 0, 0, 0]);
    sc(SYS_setpriority, [PRIO_PROCESS as u64, 0, 0, 0, 0, 0]);
    sc(
        SYS_getrandom,
        [small.as_mut_ptr() as u64, 0, GRND_NONBLOCK as u64, 0, 0, 0],
    );
    sc(SYS_arch_prctl, [0x1003, am(&mut fs_base), 0, 0, 0, 0]);
    sc(SYS_mlockall, [MCL_CURRENT as u64, 0, 0, 0, 0, 0]);
    sc0(SYS_munlockall);
    sc(
        SYS_execve,
        [
            p(c"/nonexistent/prog"),
            argv.as_ptr() as u64,
            envp.as_ptr() as u64,
            0,
            0,
            0,
        ],
    );

    // Decoded structs, options and results.
    let dfd = sc(
        SYS_openat,
        [fdcwd, p(c"."), (O_RDONLY | O_DIRECTORY) as u64, 0, 0, 0],
    ) as u64;
    sc(
        SYS_getdents64,
        [dfd, dents.as_mut_ptr() as u64, 4096, 0, 0, 0],
    );
    sc(
        SYS_getdents64,
        [dfd, dents.as_mut_ptr() as u64, 4096, 0, 0, 0],
    );
    sc(SYS_flock, [dfd, (LOCK_EX | LOCK_NB) as u64, 0, 0, 0, 0]);
    sc(SYS_flock, [dfd, LOCK_UN as u64, 0, 0, 0, 0]);
    sc(SYS_close, [dfd, 0, 0, 0, 0, 0]);
    let f3 = sc(
        SYS_openat,
        [fdcwd, p(c"f3"), (O_RDWR | O_CREAT) as u64, 0o600, 0, 0],
    ) as u64;
    sc(
        SYS_fadvise64,
        [f3, 0, 0, POSIX_FADV_SEQUENTIAL as u64, 0, 0],
    );
    sc(SYS_close, [f3, 0, 0, 0, 0, 0]);
    sc(SYS_unlink, [p(c"f3"), 0, 0, 0, 0, 0]);
    sc(
        SYS_sched_getaffinity,
        [0, 128, cpus.as_mut_ptr() as u64, 0, 0, 0],
    );
    sc(
        SYS_getitimer,
        [ITIMER_VIRTUAL as u64, am(&mut itv), 0, 0, 0, 0],
    );
    sc(
        SYS_setitimer,
        [ITIMER_PROF as u64, a(&zero_itv), 0, 0, 0, 0],
    );
    sc(
        SYS_getrlimit,
        [RLIMIT_STACK as u64, am(&mut rlim), 0, 0, 0, 0],
    );
    sc(
        SYS_socketpair,
        [
            AF_UNIX as u64,
            SOCK_DGRAM as u64,
            0,
            sv.as_mut_ptr() as u64,
            0,
            0,
        ],
    );
    let (s0, s1) = (sv[0] as u64, sv[1] as u64);
    sc(
        SYS_setsockopt,
        [s0, SOL_SOCKET as u64, SO_PASSCRED as u64, a(&one), 4, 0],
    );
    sc(
        SYS_getsockopt,
        [
            s0,
            SOL_SOCKET as u64,
            SO_ERROR as u64,
            am(&mut optval),
            am(&mut optlen),
            0,
        ],
    );
    sc(SYS_sendmsg, [s0, a(&msg), 0, 0, 0, 0]);
    sc(SYS_recvmsg, [s1, am(&mut msg_r), 0, 0, 0, 0]);
    sc(SYS_close, [s0, 0, 0, 0, 0, 0]);
    sc(SYS_close, [s1, 0, 0, 0, 0, 0]);
    sc(SYS_rt_sigprocmask, [SIG_BLOCK as u64, a(&usr2), 0, 8, 0, 0]);
    sc(SYS_kill, [pid, SIGUSR2 as u64, 0, 0, 0, 0]);
    sc(SYS_rt_sigtimedwait, [a(&usr2), 0, a(&ts_zero), 8, 0, 0]);
    // The same with the siginfo written back (SI_USER: the sender's pid and uid).
    let mut info = [0u8; 128];
    sc(SYS_kill, [pid, SIGUSR2 as u64, 0, 0, 0, 0]);
    sc(
        SYS_rt_sigtimedwait,
        [a(&usr2), am(&mut info), a(&ts_zero), 8, 0, 0],
    );
    sc(
        SYS_rt_sigprocmask,
        [SIG_UNBLOCK as u64, a(&usr2), 0, 8, 0, 0],
    );
    // No child has been waited for yet: the children's usage is all zeros, the same in
    // both runs.
    let mut ru = [0u64; 18];
    sc(
        SYS_getrusage,
        [libc::RUSAGE_CHILDREN as u64, am(&mut ru), 0, 0, 0, 0],
    );
    let child = sc(SYS_clone, [SIGCHLD as u64, 0, 0, 0, 0, 0]);
    if child == 0 {
        sc(SYS_exit_group, [7, 0, 0, 0, 0, 0]);
    }
    sc(SYS_wait4, [child as u64, am(&mut status), 0, 0, 0, 0]);
    // waitid's siginfo: CLD_EXITED with the status.
    let child = sc(SYS_clone, [SIGCHLD as u64, 0, 0, 0, 0, 0]);
    if child == 0 {
        sc(SYS_exit_group, [3, 0, 0, 0, 0, 0]);
    }
    sc(
        SYS_waitid,
        [
            libc::P_PID as u64,
            child as u64,
            am(&mut info),
            libc::WEXITED as u64,
            0,
            0,
        ],
    );

    // More file calls.
    let f4 = sc(
        SYS_openat,
        [
            fdcwd,
            p(c"f4"),
            (O_RDWR | O_CREAT | O_TRUNC) as u64,
            0o600,
            0,
            0,
        ],
    ) as u64;
    sc(SYS_fallocate, [f4, 0, 0, 4096, 0, 0]);
    sc(SYS_readahead, [f4, 0, 4096, 0, 0, 0]);
    sc(SYS_sync_file_range, [f4, 0, 4096, 2, 0, 0]);
    sc(SYS_fdatasync, [f4, 0, 0, 0, 0, 0]);
    sc(SYS_utimensat, [fdcwd, p(c"f4"), a(&utimes), 0, 0, 0]);
    sc(SYS_utimensat, [f4, 0, 0, 0, 0, 0]);
    sc(SYS_utimensat, [fdcwd, p(c"f4"), a(&times), 0, 0, 0]);
    sc(SYS_utimes, [p(c"f4"), a(&tv_times), 0, 0, 0, 0]);
    let f5 = sc(SYS_openat, [fdcwd, p(c"f4"), O_RDONLY as u64, 0, 0, 0]) as u64;
    sc(SYS_sendfile, [f4, f5, 0, 16, 0, 0]);
    sc(SYS_lseek, [f5, 0, SEEK_SET as u64, 0, 0, 0]);
    sc(SYS_sendfile, [f4, f5, am(&mut off_in), 4, 0, 0]);
    sc(SYS_copy_file_range, [f5, 0, f4, 0, 16, 0]);
    sc(SYS_lseek, [f5, 0, SEEK_DATA as u64, 0, 0, 0]);
    sc(SYS_fchown, [f5, u32::MAX as u64, 0, 0, 0, 0]);
    sc(SYS_syncfs, [f5, 0, 0, 0, 0, 0]);
    sc(SYS_close, [f5, 0, 0, 0, 0, 0]);
    sc(SYS_close, [f4, 0, 0, 0, 0, 0]);
    sc(
        SYS_renameat2,
        [fdcwd, p(c"f4"), fdcwd, p(c"f5"), RENAME_NOREPLACE as u64, 0],
    );
    sc(SYS_unlinkat, [fdcwd, p(c"f5"), 0, 0, 0, 0]);
    sc(SYS_getcwd, [cwd.as_mut_ptr() as u64, 2, 0, 0, 0, 0]);
    sc(SYS_inotify_add_watch, [u64::MAX, p(c"."), 0x100, 0, 0, 0]);
    sc(SYS_setns, [u64::MAX, CLONE_NEWNET as u64, 0, 0, 0, 0]);
    sc(SYS_pidfd_open, [pid, 0, 0, 0, 0, 0]);
    sc(SYS_close_range, [1000, 1010, 0, 0, 0, 0]);

    // More flags, as strace orders them.
    let tmp = sc(
        SYS_openat,
        [fdcwd, p(c"."), (O_RDWR | O_TMPFILE) as u64, 0o600, 0, 0],
    ) as u64;
    sc(SYS_close, [tmp, 0, 0, 0, 0, 0]);
    let syn = sc(
        SYS_openat,
        [
            fdcwd,
            p(c"syncfile"),
            (O_WRONLY | O_CREAT | O_SYNC) as u64,
            0o644,
            0,
            0,
        ],
    ) as u64;
    sc(SYS_close, [syn, 0, 0, 0, 0, 0]);
    let syn = sc(
        SYS_openat,
        [
            fdcwd,
            p(c"syncfile"),
            (O_RDONLY | O_DSYNC | O_NOATIME | O_NOCTTY) as u64,
            0,
            0,
            0,
        ],
    ) as u64;
    sc(SYS_close, [syn, 0, 0, 0, 0, 0]);
    let pth = sc(
        SYS_openat,
        [
            fdcwd,
            p(c"syncfile"),
            (O_PATH | O_NOFOLLOW | O_CLOEXEC) as u64,
            0,
            0,
            0,
        ],
    ) as u64;
    sc(SYS_close, [pth, 0, 0, 0, 0, 0]);
    sc(SYS_unlink, [p(c"syncfile"), 0, 0, 0, 0, 0]);
    let mm = sc(
        SYS_mmap,
        [
            0,
            8192,
            (PROT_READ | PROT_WRITE) as u64,
            (MAP_SHARED | MAP_ANONYMOUS | MAP_NORESERVE | MAP_POPULATE) as u64,
            u64::MAX,
            0,
        ],
    ) as u64;
    sc(
        SYS_msync,
        [mm, 8192, (MS_ASYNC | MS_INVALIDATE) as u64, 0, 0, 0],
    );
    sc(SYS_madvise, [mm, 8192, MADV_WILLNEED as u64, 0, 0, 0]);
    sc(SYS_munmap, [mm, 8192, 0, 0, 0, 0]);
    let fixed = sc(
        SYS_mmap,
        [
            0x7e00_0000_0000,
            4096,
            PROT_NONE as u64,
            (MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE) as u64,
            u64::MAX,
            0,
        ],
    );
    sc(SYS_munmap, [fixed as u64, 4096, 0, 0, 0, 0]);
    sc(
        SYS_mount,
        [
            p(c"none"),
            p(c"."),
            p(c"sigsys-no-such-fs"),
            MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC | MS_RELATIME,
            0,
            0,
        ],
    );
    sc(
        SYS_umount2,
        [
            p(c"/nonexistent-sigsys"),
            (MNT_DETACH | UMOUNT_NOFOLLOW) as u64,
            0,
            0,
            0,
            0,
        ],
    );
    sc(
        SYS_unshare,
        [(CLONE_NEWUTS | CLONE_NEWIPC) as u64, 0, 0, 0, 0, 0],
    );
    sc(
        SYS_prctl,
        [PR_SET_PDEATHSIG as u64, SIGKILL as u64, 0, 0, 0, 0],
    );
    sc(
        SYS_prctl,
        [PR_GET_PDEATHSIG as u64, am(&mut optval), 0, 0, 0, 0],
    );
    sc(SYS_prctl, [PR_SET_PDEATHSIG as u64, 0, 0, 0, 0, 0]);
    sc(SYS_prctl, [PR_SET_DUMPABLE as u64, 1, 0, 0, 0, 0]);
    sc(SYS_prctl, [PR_GET_KEEPCAPS as u64, 0, 0, 0, 0, 0]);
    sc(SYS_prctl, [PR_GET_TIMERSLACK as u64, 0, 0, 0, 0, 0]);
    sc(
        SYS_futex,
        [
            a(&futex_word),
            (FUTEX_WAIT_BITSET | FUTEX_PRIVATE_FLAG | FUTEX_CLOCK_REALTIME) as u64,
            1,
            a(&ts_1us),
            0,
            u32::MAX as u64,
        ],
    );
    sc(
        SYS_futex,
        [a(&futex_word), FUTEX_WAKE as u64, i32::MAX as u64, 0, 0, 0],
    );
    let ls = sc(
        SYS_socket,
        [
            AF_UNIX as u64,
            (SOCK_STREAM | SOCK_NONBLOCK) as u64,
            0,
            0,
            0,
            0,
        ],
    ) as u64;
    sc(SYS_bind, [ls, abstract_addr.as_ptr() as u64, 6, 0, 0, 0]);
    sc(SYS_listen, [ls, 1, 0, 0, 0, 0]);
    sc(
        SYS_accept4,
        [ls, 0, 0, (SOCK_CLOEXEC | SOCK_NONBLOCK) as u64, 0, 0],
    );
    let cs = sc(SYS_socket, [AF_UNIX as u64, SOCK_STREAM as u64, 0, 0, 0, 0]) as u64;
    sc(SYS_connect, [cs, nope_addr.as_ptr() as u64, 7, 0, 0, 0]);
    sc(
        SYS_sendto,
        [
            cs,
            p(c"x"),
            1,
            (MSG_NOSIGNAL | MSG_DONTWAIT | MSG_MORE) as u64,
            0,
            0,
        ],
    );
    for f in [ls, cs] {
        sc(SYS_close, [f, 0, 0, 0, 0, 0]);
    }
    let s6b = sc(SYS_socket, [AF_INET6 as u64, SOCK_DGRAM as u64, 0, 0, 0, 0]) as u64;
    sc(SYS_bind, [s6b, sin6.as_ptr() as u64, 28, 0, 0, 0]);
    sc(SYS_close, [s6b, 0, 0, 0, 0, 0]);
    let tid_child = sc(
        SYS_clone,
        [
            (CLONE_CHILD_SETTID | CLONE_CHILD_CLEARTID | SIGCHLD) as u64,
            0,
            0,
            am(&mut child_tid),
            0,
            0,
        ],
    );
    if tid_child == 0 {
        sc(SYS_exit_group, [0, 0, 0, 0, 0, 0]);
    }
    sc(SYS_wait4, [tid_child as u64, 0, 0, 0, 0, 0]);

    // i386 calls through `int $0x80` (numbers of the i386 table).
    int80(20, [0; 6]); // getpid
    int80(24, [0; 6]); // getuid (16-bit ids)
    int80(199, [0; 6]); // getuid32
    let f32 = int80(
        5,
        [path32, (O_RDWR | O_CREAT | O_TRUNC) as u32, 0o644, 0, 0, 0],
    ) as u32; // open
    int80(4, [f32, text32, 14, 0, 0, 0]); // write
    int80(19, [f32, (-4i32) as u32, SEEK_CUR as u32, 0, 0, 0]); // lseek
    int80(180, [f32, buf32, 8, 2, 0, 0]); // pread64, offset 2
    int80(180, [f32, buf32, 8, 0, 1, 0]); // pread64, offset 1 << 32 (split over two registers)
    int80(162, [ts32, 0, 0, 0, 0, 0]); // nanosleep, 32-bit timespec
    int80(407, [CLOCK_MONOTONIC as u32, 0, ts64, 0, 0, 0]); // clock_nanosleep_time64
    int80(142, [0, 0, 0, 0, tv32, 0]); // _newselect
    int80(6, [f32, 0, 0, 0, 0, 0]); // close
    int80(10, [path32, 0, 0, 0, 0, 0]); // unlink
    int80(174, [SIGUSR1 as u32, 0, act32, 8, 0, 0]); // rt_sigaction
    int80(191, [RLIMIT_STACK, rlim32, 0, 0, 0, 0]); // ugetrlimit
                                                    // i386-only calls (their own signature table).
    let m32 = int80(
        192,
        [
            0,
            4096,
            PROT_READ as u32,
            (MAP_PRIVATE | MAP_ANONYMOUS) as u32,
            u32::MAX,
            0,
        ],
    ); // mmap2
    int80(91, [m32 as u32, 4096, 0, 0, 0, 0]); // munmap
    let g32 = int80(
        5,
        [path32, (O_RDWR | O_CREAT | O_TRUNC) as u32, 0o600, 0, 0, 0],
    ) as u32; // open
    int80(194, [g32, 100, 1, 0, 0, 0]); // ftruncate64 to 4 GiB + 100
    int80(193, [path32, 10, 0, 0, 0, 0]); // truncate64
    int80(140, [g32, 1, 4, stat32, SEEK_SET as u32, 0]); // _llseek to 4 GiB + 4
    int80(197, [g32, stat32, 0, 0, 0, 0]); // fstat64
    int80(195, [path32, stat32, 0, 0, 0, 0]); // stat64
    int80(
        300,
        [
            AT_FDCWD as u32,
            path32,
            stat32,
            AT_SYMLINK_NOFOLLOW as u32,
            0,
            0,
        ],
    ); // fstatat64
    int80(272, [g32, 0, 0, 10, 0, POSIX_FADV_RANDOM as u32]); // fadvise64_64
    int80(7, [u32::MAX, 0, WNOHANG as u32, 0, 0, 0]); // waitpid
    int80(6, [g32, 0, 0, 0, 0, 0]); // close
    int80(10, [path32, 0, 0, 0, 0, 0]); // unlink
                                        // Known difference: socketcall is printed as itself.
    int80(102, [1, sockargs32, 0, 0, 0, 0]); // socketcall(SYS_SOCKET, [AF_UNIX, SOCK_DGRAM, 0])

    // End.
    sc(SYS_close, [END as u64, 0, 0, 0, 0, 0]);
    drop((
        big, small, small2, iov_a, iov_b, stat_buf, cwd, uts, evs, sun_out, name_out,
    ));
}
