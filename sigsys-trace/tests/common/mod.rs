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

/// A trace with strace's result alignment taken out (`call(...)      = 0` becomes
/// `call(...) = 0`), for tests that look for a call and its result together.
#[allow(dead_code)]
pub fn unaligned(text: &str) -> String {
    text.lines()
        .map(|l| match l.find(")  ") {
            Some(i) if l[i + 1..].trim_start().starts_with("= ") => {
                format!("{}) {}", &l[..i], l[i + 1..].trim_start())
            }
            _ => l.to_string(),
        })
        .collect::<Vec<_>>()
        .join("\n")
        + if text.ends_with('\n') { "\n" } else { "" }
}
