//! Deny `socket` and `connect` to a command and everything it executes: a shell pipeline
//! of several programs (`sh`, `python3`, `bash`, `getent`, `cat`), each a new image.
//!
//! No SIGSYS handler can follow a command across `execve` (the new image does not have
//! it), so a policy that needs no handler is written as a filter that answers by itself:
//! `SECCOMP_RET_ERRNO` rules, which the kernel keeps across `fork` and `execve`. The
//! filter is installed in the child between `fork` and `exec` (`pre_exec`), so the
//! example itself keeps its sockets.
//!
//! ```text
//! cargo run --example deny_socket
//! ```

use std::os::unix::process::CommandExt;
use std::process::Command;

use sigsys::filter::Program;
use sigsys::{Errno, Sysno};

/// Each line runs another program; each tries to reach the network.
const SCRIPT: &str = r#"
python3 -c 'import socket
try:
    socket.socket()
    print("python3: socket created")
except OSError as e:
    print("python3:", e.strerror)' | cat
bash -c 'echo hi > /dev/tcp/127.0.0.1/9' 2>&1 | head -n 1 | sed 's/^.*: /bash: /'
getent hosts localhost >/dev/null && echo "getent: localhost from /etc/hosts"
echo "sh: done"
"#;

fn main() {
    // `RET_ERRNO` rules, and the same errno for i386 and x32 calls: a deny list by number
    // is only as good as its architecture check (i386's `socketcall` would slip through).
    let prog = Program::<16>::denying(&[Sysno::socket, Sysno::connect], Errno::EPERM);
    let out = {
        let mut cmd = Command::new("sh");
        cmd.arg("-c").arg(SCRIPT);
        // SAFETY: between fork and exec only `Program::install` runs: two raw system
        // calls from the gate, no allocation, no lock. The filter needs no handler.
        unsafe {
            cmd.pre_exec(move || {
                prog.install(0)?; // `Errno` converts into `io::Error` (feature `std`)
                Ok(())
            });
        }
        cmd.output().expect("run sh")
    };
    let stdout = String::from_utf8_lossy(&out.stdout);
    print!("{stdout}");
    let expected = [
        "python3: Operation not permitted",
        "bash: Operation not permitted",
        "getent: localhost from /etc/hosts",
        "sh: done",
    ];
    let lines: Vec<&str> = stdout.lines().collect();
    if !out.status.success() || lines != expected {
        eprintln!("deny_socket: unexpected result ({})", out.status);
        eprintln!("{}", String::from_utf8_lossy(&out.stderr));
        std::process::exit(1);
    }
    // The example itself was not filtered.
    let sock = std::net::UdpSocket::bind("127.0.0.1:0").map(drop);
    println!("deny_socket: ok (python3 and bash denied, getent fell back to files; this process not: {sock:?})");
}
