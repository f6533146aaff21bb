//! A deadline for a command that renders: [`run`] waits for the work until the deadline
//! and no longer.
//!
//! The KCL runtime is a native library called in-process, and a call into it cannot be
//! interrupted: a program that does not end (a recursion or a loop without end) keeps its
//! thread busy until the process ends. So the deadline is the process's: [`run`] does the
//! work on a thread of its own and, at the deadline, returns [`DeadlineExceeded`] while
//! that thread goes on; the command then ends the process (returning from `main` does).
//! A library caller that must go on living runs the render in a child process instead
//! (the `kcl-render` binary with `--timeout`, for example) and kills it at its deadline.
//!
//! Crossplane itself gives a function a deadline; [`DEFAULT_TIMEOUT`] is that of
//! `crossplane render --timeout`.

use std::fmt;
use std::sync::mpsc;
use std::time::Duration;

/// How long a render may take by default: one minute, the default of
/// `crossplane render --timeout`.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(60);

/// The stack of the thread [`run`] does the work on: a main thread's (8 MiB), since the
/// work is what `main` would otherwise do itself.
const WORK_STACK: usize = 8 << 20;

/// The work did not finish by its deadline.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DeadlineExceeded {
    /// The time it was given.
    pub timeout: Duration,
}

impl fmt::Display for DeadlineExceeded {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "the render did not finish within {} (--timeout): a KCL program that does not end \
             (recursion or a loop without end) runs until stopped; if it is only slow, give a \
             longer --timeout",
            Timeout(self.timeout)
        )
    }
}

impl std::error::Error for DeadlineExceeded {}

/// Do `work` on a thread of its own and wait for it at most `timeout`: its result, or
/// [`DeadlineExceeded`] at the deadline, when the work goes on in its thread until the
/// process ends (see the [module](self)). A panic of the work is the caller's.
pub fn run<T, W>(timeout: Duration, work: W) -> Result<T, DeadlineExceeded>
where
    T: Send + 'static,
    W: FnOnce() -> T + Send + 'static,
{
    let (done, result) = mpsc::channel();
    let worker = std::thread::Builder::new()
        .name("render".into())
        .stack_size(WORK_STACK)
        .spawn(move || {
            // The receiver is gone only after the deadline, when nobody waits any more.
            let _ = done.send(work());
        })
        .unwrap_or_else(|e| panic!("cannot start the thread that renders: {e}"));
    match result.recv_timeout(timeout) {
        Ok(value) => Ok(value),
        Err(mpsc::RecvTimeoutError::Timeout) => Err(DeadlineExceeded { timeout }),
        // The work panicked before it sent anything: its panic goes on here.
        Err(mpsc::RecvTimeoutError::Disconnected) => match worker.join() {
            Err(panic) => std::panic::resume_unwind(panic),
            Ok(()) => unreachable!("the work ended without sending its result"),
        },
    }
}

/// Read a `--timeout`: a whole number with a unit, `ms`, `s`, `m` or `h` (`90s`, `2m`,
/// `1500ms`), more than zero.
pub fn parse_timeout(text: &str) -> Result<Duration, String> {
    let unit_at = text
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(text.len());
    let (number, unit) = text.split_at(unit_at);
    let number: u64 = number.parse().map_err(|_| not_a_timeout(text))?;
    let timeout = match unit {
        "ms" => Duration::from_millis(number),
        "s" => Duration::from_secs(number),
        "m" => Duration::from_secs(number.saturating_mul(60)),
        "h" => Duration::from_secs(number.saturating_mul(3600)),
        _ => return Err(not_a_timeout(text)),
    };
    if timeout.is_zero() {
        return Err(format!("`{text}` is no time: give more than zero"));
    }
    Ok(timeout)
}

fn not_a_timeout(text: &str) -> String {
    format!("`{text}` is not a duration: give a whole number and a unit, ms, s, m or h (`90s`)")
}

/// A timeout as [`parse_timeout`] reads it back: `1500ms`, `90s`.
struct Timeout(Duration);

impl fmt::Display for Timeout {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0.subsec_millis() {
            0 => write!(f, "{}s", self.0.as_secs()),
            _ => write!(f, "{}ms", self.0.as_millis()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_timeout_is_a_whole_number_and_a_unit() {
        assert_eq!(parse_timeout("1500ms"), Ok(Duration::from_millis(1500)));
        assert_eq!(parse_timeout("90s"), Ok(Duration::from_secs(90)));
        assert_eq!(parse_timeout("2m"), Ok(Duration::from_secs(120)));
        assert_eq!(parse_timeout("1h"), Ok(Duration::from_secs(3600)));
        for refused in ["", "60", "1.5s", "-1s", "1 s", "s", "0s", "0ms"] {
            assert!(parse_timeout(refused).is_err(), "{refused}");
        }
    }

    #[test]
    fn a_timeout_prints_as_it_is_written() {
        for written in ["1500ms", "90s", "1s"] {
            let timeout = parse_timeout(written).unwrap();
            assert_eq!(Timeout(timeout).to_string(), written);
        }
        assert_eq!(Timeout(DEFAULT_TIMEOUT).to_string(), "60s");
    }

    #[test]
    fn work_that_finishes_in_time_gives_its_result_and_work_that_does_not_is_left_behind() {
        assert_eq!(run(Duration::from_secs(60), || 7), Ok(7));
        let late = run(Duration::from_millis(10), || {
            std::thread::sleep(Duration::from_secs(2));
        });
        assert_eq!(
            late,
            Err(DeadlineExceeded {
                timeout: Duration::from_millis(10)
            })
        );
    }
}
