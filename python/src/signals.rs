//! Ctrl-C during a run. The run holds no GIL, so Python's own SIGINT handler (which only sets a
//! flag for the interpreter to act on between bytecodes) would not stop it; for the length of the
//! run SIGINT instead sets the library's interrupt flag, which the engine polls, and the previous
//! handler is put back afterwards. The caller then raises `KeyboardInterrupt`.

/// Installs the run's SIGINT handler until dropped.
pub struct SigintGuard {
    #[cfg(unix)]
    previous: libc::sigaction,
}

#[cfg(unix)]
extern "C" fn on_sigint(_: libc::c_int) {
    // An atomic store: async-signal-safe.
    marketsim::interrupt::request();
}

impl SigintGuard {
    pub fn install() -> SigintGuard {
        marketsim::interrupt::REQUESTED.store(false, std::sync::atomic::Ordering::Relaxed);
        #[cfg(unix)]
        // SAFETY: plain sigaction calls with zero-initialised structs; the handler only performs
        // an atomic store.
        unsafe {
            let mut action: libc::sigaction = std::mem::zeroed();
            action.sa_sigaction = on_sigint as *const () as libc::sighandler_t;
            libc::sigemptyset(&mut action.sa_mask);
            let mut previous: libc::sigaction = std::mem::zeroed();
            libc::sigaction(libc::SIGINT, &action, &mut previous);
            SigintGuard { previous }
        }
        #[cfg(not(unix))]
        SigintGuard {}
    }
}

impl Drop for SigintGuard {
    fn drop(&mut self) {
        #[cfg(unix)]
        // SAFETY: restores the handler saved in `install`.
        unsafe {
            libc::sigaction(libc::SIGINT, &self.previous, std::ptr::null_mut());
        }
    }
}
