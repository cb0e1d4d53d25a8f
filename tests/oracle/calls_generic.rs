//! The calls the oracle makes on the asm-generic architectures (aarch64, riscv64), the same
//! under strace and under the sigsys handler: files, directories, memory, processes,
//! signals, time, descriptors, sockets and polling, in the asm-generic table (no `open`,
//! `stat`, `fork`: their `*at` and `clone` forms). Raw calls on buffers prepared before the
//! start marker, as in `calls.rs` (x86_64).

use super::prims::{a, am, iovec, p, sc, END, START};

pub fn run() {
    use libc::*;
    let payload: &[u8] = b"hello\n\tworld\0\x01\xff\"quoted\" 7 and a tail long enough to be cut";
    let mut big = vec![0u8; 4096];
    let mut small = vec![0u8; 64];
    let mut small2 = vec![0u8; 64];
    let mut iov_a = [0u8; 6];
    let mut iov_b = [0u8; 6];
    let iov = [iovec(iov_a.as_mut_ptr(), 6), iovec(iov_b.as_mut_ptr(), 6)];
    let wiov_data = [*b"abc", *b"def"];
    let wiov = [
        iovec(wiov_data[0].as_ptr(), 3),
        iovec(wiov_data[1].as_ptr(), 2),
    ];
    let mut stat_buf = vec![0u8; 256];
    let mut uts = vec![0u8; 6 * 65];
    let mut rlim = [0u64; 2];
    let mut fds = [0i32; 2];
    let mut sv = [0i32; 2];
    // The kernel's sigaction of the architecture (riscv64: no sa_restorer).
    let flags = SA_RESTART as u64 | sigsys::install::SA_RESTORER;
    let ign = sigsys::install::KernelSigaction::new(1, flags, 0x1234_5678, 0);
    let mut old_act = sigsys::install::KernelSigaction::default();
    let usr2_alrm: u64 = (1 << (SIGUSR2 - 1)) | (1 << (SIGALRM - 1));
    let mut old_mask: u64 = 0;
    let mut pending: u64 = 0;
    let ts_1us = [0i64, 1000];
    let ts_zero = [0i64, 0];
    let mut ts_out = [0i64; 2];
    let mut pfd = [0i32; 2];
    let mut evs = [0u8; 16 * 4];
    let ev = [EPOLLIN as u64, 5];
    let futex_word: u32 = 0;
    let mut name_out = [0u8; 16];
    let one: i32 = 1;
    let mut optval: i32 = -1;
    let mut optlen: u32 = 4;
    let mut msg_in = [0u8; 8];
    let mut status: i32 = 0;
    let argv = [p(c"prog"), p(c"an argument"), 0];
    let envp = [p(c"A=1"), p(c"B=2"), 0];
    let fdcwd = AT_FDCWD as u64;
    let sc0 = |nr: c_long| sc(nr, [0; 6]);

    sc(SYS_close, [START as u64, 0, 0, 0, 0, 0]);

    // Files.
    let flags_w = (O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC) as u64;
    let fd = sc(SYS_openat, [fdcwd, p(c"data.txt"), flags_w, 0o644, 0, 0]) as u64;
    sc(
        SYS_write,
        [fd, payload.as_ptr() as u64, payload.len() as u64, 0, 0, 0],
    );
    sc(SYS_pwrite64, [fd, p(c"abc"), 3, 100, 0, 0]);
    sc(SYS_writev, [fd, wiov.as_ptr() as u64, 2, 0, 0, 0]);
    sc(SYS_lseek, [fd, 0, SEEK_SET as u64, 0, 0, 0]);
    sc(SYS_fsync, [fd, 0, 0, 0, 0, 0]);
    sc(SYS_ftruncate, [fd, 10, 0, 0, 0, 0]);
    sc(SYS_close, [fd, 0, 0, 0, 0, 0]);
    let fd = sc(
        SYS_openat,
        [fdcwd, p(c"data.txt"), O_RDONLY as u64, 0, 0, 0],
    ) as u64;
    sc(SYS_read, [fd, small.as_mut_ptr() as u64, 64, 0, 0, 0]);
    sc(SYS_pread64, [fd, small2.as_mut_ptr() as u64, 8, 2, 0, 0]);
    sc(SYS_lseek, [fd, 0, SEEK_SET as u64, 0, 0, 0]);
    sc(SYS_readv, [fd, iov.as_ptr() as u64, 2, 0, 0, 0]);
    sc(SYS_close, [fd, 0, 0, 0, 0, 0]);
    sc(
        SYS_faccessat,
        [fdcwd, p(c"data.txt"), (R_OK | W_OK) as u64, 0, 0, 0],
    );
    sc(SYS_faccessat, [fdcwd, p(c"missing"), F_OK as u64, 0, 0, 0]);
    sc(SYS_mkdirat, [fdcwd, p(c"dir"), 0o755, 0, 0, 0]);
    sc(SYS_symlinkat, [p(c"data.txt"), fdcwd, p(c"link"), 0, 0, 0]);
    sc(
        SYS_readlinkat,
        [fdcwd, p(c"link"), big.as_mut_ptr() as u64, 4096, 0, 0],
    );
    sc(SYS_renameat2, [fdcwd, p(c"link"), fdcwd, p(c"link2"), 0, 0]);
    sc(SYS_unlinkat, [fdcwd, p(c"link2"), 0, 0, 0, 0]);
    sc(
        SYS_unlinkat,
        [fdcwd, p(c"dir"), AT_REMOVEDIR as u64, 0, 0, 0],
    );
    sc(SYS_unlinkat, [fdcwd, p(c"missing"), 0, 0, 0, 0]);
    sc(SYS_fchmodat, [fdcwd, p(c"data.txt"), 0o600, 0, 0, 0]);
    sc(SYS_umask, [0o027, 0, 0, 0, 0, 0]);
    sc(SYS_chdir, [p(c"."), 0, 0, 0, 0, 0]);
    let _ = &mut stat_buf;

    // Memory.
    let prot = (PROT_READ | PROT_WRITE) as u64;
    let anon = (MAP_PRIVATE | MAP_ANONYMOUS) as u64;
    let m = sc(SYS_mmap, [0, 4096, prot, anon, u64::MAX, 0]) as u64;
    sc(SYS_mprotect, [m, 4096, PROT_READ as u64, 0, 0, 0]);
    sc(SYS_madvise, [m, 4096, MADV_DONTNEED as u64, 0, 0, 0]);
    sc(SYS_munmap, [m, 4096, 0, 0, 0, 0]);

    // Processes.
    sc0(SYS_getpid);
    sc0(SYS_getppid);
    sc0(SYS_getuid);
    sc0(SYS_geteuid);
    sc0(SYS_getgid);
    sc0(SYS_getegid);
    sc(SYS_uname, [uts.as_mut_ptr() as u64, 0, 0, 0, 0, 0]);
    sc(
        SYS_prlimit64,
        [0, RLIMIT_STACK as u64, 0, am(&mut rlim), 0, 0],
    );
    sc0(SYS_sched_yield);
    let child = sc(SYS_clone, [SIGCHLD as u64, 0, 0, 0, 0, 0]);
    if child == 0 {
        // SAFETY: the forked child ends at once.
        unsafe { libc::_exit(0) };
    }
    sc(SYS_wait4, [child as u64, am(&mut status), 0, 0, 0, 0]);
    sc(
        SYS_execve,
        [p(c"/nonexistent"), a(&argv), a(&envp), 0, 0, 0],
    );

    // Signals.
    sc(
        SYS_rt_sigaction,
        [SIGUSR1 as u64, a(&ign), am(&mut old_act), 8, 0, 0],
    );
    sc(
        SYS_rt_sigaction,
        [SIGUSR1 as u64, 0, am(&mut old_act), 8, 0, 0],
    );
    sc(
        SYS_rt_sigprocmask,
        [SIG_BLOCK as u64, a(&usr2_alrm), am(&mut old_mask), 8, 0, 0],
    );
    sc(SYS_rt_sigpending, [am(&mut pending), 8, 0, 0, 0, 0]);
    sc(
        SYS_rt_sigprocmask,
        [SIG_SETMASK as u64, a(&old_mask), 0, 8, 0, 0],
    );

    // Time.
    sc(
        SYS_clock_getres,
        [CLOCK_MONOTONIC as u64, am(&mut ts_out), 0, 0, 0, 0],
    );
    sc(SYS_nanosleep, [a(&ts_1us), 0, 0, 0, 0, 0]);

    // Descriptors.
    sc(SYS_pipe2, [am(&mut fds), O_CLOEXEC as u64, 0, 0, 0, 0]);
    sc(SYS_dup3, [fds[0] as u64, 10, 0, 0, 0, 0]);
    sc(SYS_fcntl, [10, F_GETFD as u64, 0, 0, 0, 0]);
    sc(SYS_fcntl, [10, F_SETFL as u64, O_NONBLOCK as u64, 0, 0, 0]);
    sc(SYS_close, [10, 0, 0, 0, 0, 0]);
    sc(SYS_write, [fds[1] as u64, p(c"x"), 1, 0, 0, 0]);
    pfd[0] = fds[0];
    pfd[1] = POLLIN as i32;
    sc(SYS_ppoll, [am(&mut pfd), 1, a(&ts_zero), 0, 8, 0]);
    sc(SYS_close, [fds[0] as u64, 0, 0, 0, 0, 0]);
    sc(SYS_close, [fds[1] as u64, 0, 0, 0, 0, 0]);

    // Sockets.
    sc(
        SYS_socketpair,
        [AF_UNIX as u64, SOCK_STREAM as u64, 0, am(&mut sv), 0, 0],
    );
    let (s0, s1) = (sv[0] as u64, sv[1] as u64);
    sc(SYS_sendto, [s0, p(c"msg"), 3, 0, 0, 0]);
    sc(SYS_recvfrom, [s1, msg_in.as_mut_ptr() as u64, 8, 0, 0, 0]);
    let (level, opt) = (SOL_SOCKET as u64, SO_KEEPALIVE as u64);
    sc(SYS_setsockopt, [s0, level, opt, a(&one), 4, 0]);
    sc(
        SYS_getsockopt,
        [
            s0,
            level,
            SO_TYPE as u64,
            am(&mut optval),
            am(&mut optlen),
            0,
        ],
    );
    sc(SYS_shutdown, [s0, SHUT_WR as u64, 0, 0, 0, 0]);
    sc(SYS_close, [s0, 0, 0, 0, 0, 0]);
    sc(SYS_close, [s1, 0, 0, 0, 0, 0]);
    sc(
        SYS_socket,
        [
            AF_INET as u64,
            (SOCK_DGRAM | SOCK_CLOEXEC) as u64,
            0,
            0,
            0,
            0,
        ],
    );

    // Polling and the rest.
    let ep = sc(SYS_epoll_create1, [EPOLL_CLOEXEC as u64, 0, 0, 0, 0, 0]) as u64;
    let efd = sc(SYS_eventfd2, [0, EFD_NONBLOCK as u64, 0, 0, 0, 0]) as u64;
    sc(SYS_epoll_ctl, [ep, EPOLL_CTL_ADD as u64, efd, a(&ev), 0, 0]);
    sc(SYS_epoll_pwait, [ep, evs.as_mut_ptr() as u64, 4, 0, 0, 8]);
    sc(SYS_close, [efd, 0, 0, 0, 0, 0]);
    sc(SYS_close, [ep, 0, 0, 0, 0, 0]);
    sc(
        SYS_prctl,
        [PR_SET_NAME as u64, p(c"oracle-prog"), 0, 0, 0, 0],
    );
    sc(
        SYS_prctl,
        [PR_GET_NAME as u64, name_out.as_mut_ptr() as u64, 0, 0, 0, 0],
    );
    sc(SYS_futex, [a(&futex_word), FUTEX_WAKE as u64, 1, 0, 0, 0]);
    sc(SYS_getrandom, [small.as_mut_ptr() as u64, 0, 0, 0, 0, 0]);

    sc(SYS_close, [END as u64, 0, 0, 0, 0, 0]);
}
