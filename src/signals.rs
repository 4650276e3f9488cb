//! What must hold however a run ends: a signal (Ctrl-C, `kill`, a lost
//! terminal) while `configure` has the terminal's echo off gives the echo
//! back, and one while a file is being replaced removes the temporary file
//! (which for `configure` holds the secret). And no core dump is ever
//! written with a secret in it.
//!
//! The handlers of SIGINT, SIGTERM, SIGHUP and SIGQUIT do only what is safe in
//! a signal handler (`unlink`, `tcsetattr`), then die of the same signal as
//! before; for `obssl exporter` ([`stop_on_signal`]) the first SIGINT or
//! SIGTERM only sets a flag, so that it stops on its own. Elsewhere than Unix these guards do nothing.

/// Turns core dumps off for the rest of the process (`setrlimit(RLIMIT_CORE,
/// 0)` on Unix): the AccessKey secret is in memory in every command that
/// makes a request, and in `configure`.
pub fn no_core_dumps() {
    #[cfg(unix)]
    {
        let none = libc::rlimit {
            rlim_cur: 0,
            rlim_max: 0,
        };
        // SAFETY: a valid rlimit; lowering a limit cannot fail for lack of privilege.
        unsafe {
            libc::setrlimit(libc::RLIMIT_CORE, &none);
        }
    }
}

#[cfg(unix)]
mod imp {
    use std::ffi::CString;
    use std::os::raw::{c_char, c_int};
    use std::os::unix::ffi::OsStrExt;
    use std::path::Path;
    use std::sync::atomic::{AtomicBool, AtomicI32, AtomicPtr, Ordering};
    use std::sync::Once;

    /// The temporary file to remove on a signal (a leaked `CString`), or null.
    static TEMP_FILE: AtomicPtr<c_char> = AtomicPtr::new(std::ptr::null_mut());
    /// The terminal whose settings to restore on a signal, or -1.
    static TTY: AtomicI32 = AtomicI32::new(-1);
    static SAVED_SET: AtomicBool = AtomicBool::new(false);
    static mut SAVED: std::mem::MaybeUninit<libc::termios> = std::mem::MaybeUninit::uninit();
    static INSTALL: Once = Once::new();

    const SIGNALS: [c_int; 4] = [libc::SIGINT, libc::SIGTERM, libc::SIGHUP, libc::SIGQUIT];

    /// Set by [`stop_on_signal`]: the first SIGINT or SIGTERM sets [`STOP`]
    /// instead of ending the process.
    static GRACEFUL: AtomicBool = AtomicBool::new(false);
    static STOP: AtomicBool = AtomicBool::new(false);
    /// Set by [`reload_on_sighup`]: SIGHUP sets [`RELOAD`] instead of ending the process.
    static HUP_RELOADS: AtomicBool = AtomicBool::new(false);
    static RELOAD: AtomicBool = AtomicBool::new(false);

    extern "C" fn on_signal(signal: c_int) {
        if signal == libc::SIGHUP && HUP_RELOADS.load(Ordering::SeqCst) {
            RELOAD.store(true, Ordering::SeqCst);
            return;
        }
        if GRACEFUL.load(Ordering::SeqCst)
            && (signal == libc::SIGINT || signal == libc::SIGTERM)
            && !STOP.swap(true, Ordering::SeqCst)
        {
            return;
        }
        let temp = TEMP_FILE.swap(std::ptr::null_mut(), Ordering::SeqCst);
        // SAFETY: unlink, tcsetattr, signal and raise are async-signal-safe;
        // `temp` is a valid C string (leaked until taken back), and SAVED is
        // written before SAVED_SET is set.
        unsafe {
            if !temp.is_null() {
                libc::unlink(temp);
            }
            let tty = TTY.load(Ordering::SeqCst);
            if tty >= 0 && SAVED_SET.load(Ordering::SeqCst) {
                libc::tcsetattr(
                    tty,
                    libc::TCSANOW,
                    (&raw const SAVED).cast::<libc::termios>(),
                );
            }
            libc::signal(signal, libc::SIG_DFL);
            libc::raise(signal);
        }
    }

    fn install() {
        INSTALL.call_once(|| {
            for signal in SIGNALS {
                // SAFETY: `on_signal` only makes async-signal-safe calls.
                unsafe {
                    libc::signal(signal, on_signal as *const () as libc::sighandler_t);
                }
            }
        });
    }

    /// From now on the first SIGINT or SIGTERM sets the flag returned
    /// instead of ending the process (a second one ends it as before).
    pub fn stop_on_signal() -> &'static AtomicBool {
        GRACEFUL.store(true, Ordering::SeqCst);
        install();
        &STOP
    }

    /// From now on SIGHUP sets the flag returned (for the caller to take
    /// with `swap(false)`) instead of ending the process.
    pub fn reload_on_sighup() -> &'static AtomicBool {
        HUP_RELOADS.store(true, Ordering::SeqCst);
        install();
        &RELOAD
    }

    /// Removes `path` if a signal ends the process before the guard is dropped.
    pub struct TempFileGuard(());

    pub fn temp_file(path: &Path) -> TempFileGuard {
        if let Ok(c) = CString::new(path.as_os_str().as_bytes()) {
            install();
            let old = TEMP_FILE.swap(c.into_raw(), Ordering::SeqCst);
            free(old);
        }
        TempFileGuard(())
    }

    impl Drop for TempFileGuard {
        fn drop(&mut self) {
            free(TEMP_FILE.swap(std::ptr::null_mut(), Ordering::SeqCst));
        }
    }

    fn free(ptr: *mut c_char) {
        if !ptr.is_null() {
            // SAFETY: every pointer stored in TEMP_FILE came from `CString::into_raw`.
            drop(unsafe { CString::from_raw(ptr) });
        }
    }

    /// Restores the terminal's settings (echo) if a signal ends the process
    /// before the guard is dropped.
    pub struct TerminalGuard(c_int);

    pub fn terminal() -> TerminalGuard {
        let tty = CString::new("/dev/tty").expect("no NUL");
        // SAFETY: a valid C string; the descriptor is closed by the guard.
        let fd = unsafe { libc::open(tty.as_ptr(), libc::O_RDWR | libc::O_CLOEXEC) };
        if fd < 0 {
            return TerminalGuard(-1);
        }
        install();
        // SAFETY: SAVED is only read by the handler after SAVED_SET is set,
        // and only written here, before.
        unsafe {
            if libc::tcgetattr(fd, (&raw mut SAVED).cast::<libc::termios>()) == 0 {
                TTY.store(fd, Ordering::SeqCst);
                SAVED_SET.store(true, Ordering::SeqCst);
            }
        }
        TerminalGuard(fd)
    }

    impl Drop for TerminalGuard {
        fn drop(&mut self) {
            SAVED_SET.store(false, Ordering::SeqCst);
            TTY.store(-1, Ordering::SeqCst);
            if self.0 >= 0 {
                // SAFETY: the descriptor opened by `terminal`.
                unsafe {
                    libc::close(self.0);
                }
            }
        }
    }
}

#[cfg(not(unix))]
mod imp {
    use std::path::Path;
    use std::sync::atomic::AtomicBool;

    static STOP: AtomicBool = AtomicBool::new(false);
    pub fn stop_on_signal() -> &'static AtomicBool {
        &STOP
    }
    static RELOAD: AtomicBool = AtomicBool::new(false);
    pub fn reload_on_sighup() -> &'static AtomicBool {
        &RELOAD
    }

    pub struct TempFileGuard;
    pub fn temp_file(_path: &Path) -> TempFileGuard {
        TempFileGuard
    }
    pub struct TerminalGuard;
    pub fn terminal() -> TerminalGuard {
        TerminalGuard
    }
}

/// A long-running service's reload (`obssl exporter`): after this, SIGHUP
/// sets the flag instead of ending the process.
pub use imp::reload_on_sighup;
/// A long-running command's stop: after this, the first SIGINT or SIGTERM
/// sets the flag (the command then ends on its own, within a second) instead
/// of ending the process; a second one ends it at once.
pub use imp::stop_on_signal;
/// While the guard lives, a signal that ends the process removes the file at
/// the path first.
pub use imp::temp_file;
/// While the guard lives, a signal that ends the process restores the
/// terminal's settings (its echo) as they were when the guard was made.
pub use imp::terminal;

#[cfg(all(test, target_os = "linux"))]
mod tests {
    #[test]
    fn core_dumps_are_off() {
        super::no_core_dumps();
        let limits = std::fs::read_to_string("/proc/self/limits").unwrap();
        let line = limits
            .lines()
            .find(|l| l.starts_with("Max core file size"))
            .unwrap();
        assert_eq!(line.split_whitespace().nth(4), Some("0"), "{line}");
    }
}
