//! A decision per call across `execve`: a supervisor process answers the `connect` calls
//! of a command and everything it executes, through seccomp user notification
//! (`SECCOMP_RET_USER_NOTIF`). Connections to 127.0.0.1 go ahead; every other one fails
//! with `EPERM`.
//!
//! ```text
//! cargo run --example notify_connect
//! ```
//!
//! A SIGSYS handler cannot do this: the handler is gone after `execve`. A filter can ask
//! another process instead, and the kernel keeps the filter in every new image. The crate
//! builds the filter (`filter::Program`: the arch check, then `connect` to the listener)
//! and prints each notified call as strace does (`sigsys::fmt` reading the target's memory
//! through a `Memory` of another process).
//!
//! Letting a call go ahead (`SECCOMP_USER_NOTIF_FLAG_CONTINUE`) after reading its
//! arguments is racy: another thread of the target can change the `sockaddr` between the
//! read and the kernel's own. It is fine for a policy of cooperative code; a security
//! boundary answers by itself (denies, or makes the connection and hands back the
//! descriptor with `SECCOMP_IOCTL_NOTIF_ADDFD`).

use std::io::{IoSlice, Read};
use std::net::TcpListener;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd, RawFd};
use std::os::unix::net::UnixStream;
use std::os::unix::process::CommandExt;
use std::process::Command;

use sigsys::filter::{self, Program};
use sigsys::fmt::{write_call, FixedBuf, Options};
use sigsys::mem::Memory;
use sigsys::{Abi, Errno, Syscall, Sysno};

/// Each line runs another program that connects somewhere.
const SCRIPT: &str = r#"
bash -c 'exec 3<>/dev/tcp/127.0.0.1/$PORT && echo "bash: 127.0.0.1 connected"'
bash -c 'exec 3<>/dev/tcp/192.0.2.1/80' 2>&1 | head -n 1 | sed 's/^.*: /bash: 192.0.2.1: /'
python3 -c 'import os, socket
socket.create_connection(("127.0.0.1", int(os.environ["PORT"])))
print("python3: 127.0.0.1 connected")'
"#;

/// The memory of another process (a descendant), read with `process_vm_readv`.
struct ProcessMemory(libc::pid_t);

impl Memory for ProcessMemory {
    fn read(&self, addr: u64, buf: &mut [u8]) -> Result<usize, Errno> {
        let local = libc::iovec {
            iov_base: buf.as_mut_ptr().cast(),
            iov_len: buf.len(),
        };
        let remote = libc::iovec {
            iov_base: addr as *mut libc::c_void,
            iov_len: buf.len(),
        };
        // SAFETY: the local iovec is `buf`; the kernel checks the remote side.
        let n = unsafe { libc::process_vm_readv(self.0, &local, 1, &remote, 1, 0) };
        if n < 0 {
            Err(Errno::new(
                std::io::Error::last_os_error().raw_os_error().unwrap_or(5),
            ))
        } else {
            Ok(n as usize)
        }
    }
}

/// Sends `fd` over the socket `sock` (SCM_RIGHTS), without allocating: it runs between
/// fork and exec.
fn send_fd(sock: RawFd, fd: RawFd) -> std::io::Result<()> {
    #[repr(C, align(8))]
    struct Control {
        hdr: libc::cmsghdr,
        fd: RawFd,
        pad: u32,
    }
    let byte = [0u8; 1];
    let mut iov = [IoSlice::new(&byte)];
    // SAFETY: all-zero is a valid cmsghdr and msghdr.
    let mut control: Control = unsafe { std::mem::zeroed() };
    control.hdr.cmsg_level = libc::SOL_SOCKET;
    control.hdr.cmsg_type = libc::SCM_RIGHTS;
    // SAFETY: CMSG_LEN is arithmetic.
    control.hdr.cmsg_len = unsafe { libc::CMSG_LEN(4) } as usize;
    control.fd = fd;
    // SAFETY: as above.
    let mut msg: libc::msghdr = unsafe { std::mem::zeroed() };
    msg.msg_iov = iov.as_mut_ptr().cast();
    msg.msg_iovlen = 1;
    msg.msg_control = (&raw mut control).cast();
    // SAFETY: as above.
    msg.msg_controllen = unsafe { libc::CMSG_SPACE(4) } as usize;
    // SAFETY: `msg` points at live buffers for the call.
    if unsafe { libc::sendmsg(sock, &msg, 0) } == 1 {
        Ok(())
    } else {
        Err(std::io::Error::last_os_error())
    }
}

/// Receives one descriptor sent by [`send_fd`].
fn recv_fd(sock: &UnixStream) -> std::io::Result<OwnedFd> {
    let mut byte = [0u8; 1];
    let mut iov = libc::iovec {
        iov_base: byte.as_mut_ptr().cast(),
        iov_len: 1,
    };
    let mut control = [0u64; 4];
    // SAFETY: all-zero is a valid msghdr.
    let mut msg: libc::msghdr = unsafe { std::mem::zeroed() };
    msg.msg_iov = &mut iov;
    msg.msg_iovlen = 1;
    msg.msg_control = control.as_mut_ptr().cast();
    msg.msg_controllen = std::mem::size_of_val(&control);
    // SAFETY: `msg` points at live buffers for the call.
    if unsafe { libc::recvmsg(sock.as_raw_fd(), &mut msg, 0) } != 1 {
        return Err(std::io::Error::last_os_error());
    }
    // SAFETY: the control buffer holds the one SCM_RIGHTS message `send_fd` sent.
    let fd = unsafe {
        let cmsg = libc::CMSG_FIRSTHDR(&msg);
        assert!(!cmsg.is_null() && (*cmsg).cmsg_type == libc::SCM_RIGHTS);
        libc::CMSG_DATA(cmsg).cast::<RawFd>().read_unaligned()
    };
    // SAFETY: the descriptor was just received: ours alone.
    Ok(unsafe { OwnedFd::from_raw_fd(fd) })
}

/// Whether the `sockaddr` of a notified `connect` is an IPv4 address 127.0.0.1.
fn to_loopback(mem: &ProcessMemory, call: &Syscall) -> bool {
    let mut sa = [0u8; 8];
    matches!(mem.read(call.args[1], &mut sa), Ok(8))
        && u16::from_ne_bytes([sa[0], sa[1]]) == libc::AF_INET as u16
        && sa[4..8] == [127, 0, 0, 1]
}

/// Answers notifications until no process uses the filter any more.
fn supervise(listener: OwnedFd) {
    let fd = listener.as_raw_fd();
    loop {
        let mut pfd = libc::pollfd {
            fd,
            events: libc::POLLIN,
            revents: 0,
        };
        // SAFETY: one live pollfd.
        if unsafe { libc::poll(&mut pfd, 1, -1) } < 0 || pfd.revents & libc::POLLIN == 0 {
            return; // POLLHUP: every task of the filter has exited
        }
        // SAFETY: the kernel wants a zeroed seccomp_notif.
        let mut notif: libc::seccomp_notif = unsafe { std::mem::zeroed() };
        // SAFETY: RECV writes a seccomp_notif.
        if unsafe { libc::ioctl(fd, libc::SECCOMP_IOCTL_NOTIF_RECV, &mut notif) } != 0 {
            continue; // the task died before we read it (ENOENT)
        }
        let data = notif.data;
        let Some(abi) = Abi::from_audit_arch(data.arch, data.nr) else {
            continue;
        };
        let call = Syscall::new(abi, abi.table_number(data.nr), data.args);
        let mem = ProcessMemory(notif.pid as libc::pid_t);
        let allow = call.is(Sysno::connect) && to_loopback(&mem, &call);
        let mut storage = [0u8; 256];
        let mut line = FixedBuf::new(&mut storage);
        let _ = write_call(&mut line, &call, &mem, &Options::DEFAULT);
        // The call is still waiting (so the memory read was the waiting task's).
        // SAFETY: ID_VALID reads a u64.
        let valid = unsafe { libc::ioctl(fd, libc::SECCOMP_IOCTL_NOTIF_ID_VALID, &notif.id) } == 0;
        let mut resp = libc::seccomp_notif_resp {
            id: notif.id,
            val: 0,
            error: 0,
            flags: 0,
        };
        if allow && valid {
            resp.flags = libc::SECCOMP_USER_NOTIF_FLAG_CONTINUE as u32;
        } else {
            resp.error = -libc::EPERM;
        }
        // SAFETY: SEND reads a seccomp_notif_resp.
        unsafe { libc::ioctl(fd, libc::SECCOMP_IOCTL_NOTIF_SEND, &mut resp) };
        let verdict = if allow { "allowed" } else { "EPERM" };
        eprintln!("notify: pid {}: {} -> {verdict}", notif.pid, line.as_str());
    }
}

fn main() {
    let server = TcpListener::bind("127.0.0.1:0").expect("listen on 127.0.0.1");
    let port = server.local_addr().expect("port").port();
    std::thread::spawn(move || {
        for conn in server.incoming() {
            let _ = conn.and_then(|mut c| c.read(&mut [0u8; 1]));
        }
    });

    let mut prog = Program::<16>::new();
    prog.check_arch(filter::errno(Errno::EPERM))
        .on(Sysno::connect, libc::SECCOMP_RET_USER_NOTIF)
        .ret(libc::SECCOMP_RET_ALLOW);
    let (ours, theirs) = UnixStream::pair().expect("socketpair");
    let theirs_fd = theirs.as_raw_fd();
    let mut cmd = Command::new("sh");
    cmd.arg("-c").arg(SCRIPT).env("PORT", port.to_string());
    // SAFETY: between fork and exec: the filter's two system calls from the gate, one
    // sendmsg and one close, no allocation.
    unsafe {
        cmd.pre_exec(move || {
            let flags = libc::SECCOMP_FILTER_FLAG_NEW_LISTENER;
            let listener = prog.install(flags)?;
            send_fd(theirs_fd, listener as RawFd)?;
            libc::close(listener as RawFd);
            Ok(())
        });
    }
    let child = cmd
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("run sh");
    drop(theirs);
    let listener = recv_fd(&ours).expect("the child's listener");
    let supervisor = std::thread::spawn(move || supervise(listener));
    let out = child.wait_with_output().expect("wait for sh");
    supervisor.join().expect("supervisor");
    let stdout = String::from_utf8_lossy(&out.stdout);
    print!("{stdout}");
    let expected = [
        "bash: 127.0.0.1 connected",
        "bash: 192.0.2.1: Operation not permitted",
        "python3: 127.0.0.1 connected",
    ];
    if !out.status.success() || stdout.lines().collect::<Vec<_>>() != expected {
        eprintln!("notify_connect: unexpected result ({})", out.status);
        std::process::exit(1);
    }
    println!("notify_connect: ok (decided per call, across every exec of the pipeline)");
}
