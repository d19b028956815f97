//! The bridge between a security key's ceremony (on a blocking thread in the agent) and the
//! window: each step the key waits for becomes an event, and the PIN comes back from the
//! window through a channel.

use std::sync::Mutex;

use lastmile_proto::app::SecurityKeyStep;

/// How long the key waits for the window to answer a PIN prompt.
const PIN_WAIT: std::time::Duration = std::time::Duration::from_secs(180);

/// Bridges a security-key ceremony to the window: each step is an event
/// (`security-key-step`, a [`SecurityKeyStep`]), the PIN comes back through
/// `security_key_pin`, and `security_key_cancel` abandons the ceremony.
pub(super) struct WindowPrompt {
    emit: Box<dyn Fn(SecurityKeyStep) + Send + Sync>,
    pin_tx: std::sync::mpsc::SyncSender<Option<String>>,
    pin_rx: Mutex<std::sync::mpsc::Receiver<Option<String>>>,
    verifying: std::sync::atomic::AtomicBool,
    cancelled: std::sync::atomic::AtomicBool,
}

impl std::fmt::Debug for WindowPrompt {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WindowPrompt").field("cancelled", &self.is_cancelled()).finish_non_exhaustive()
    }
}

impl WindowPrompt {
    pub(super) fn new(emit: impl Fn(SecurityKeyStep) + Send + Sync + 'static) -> Self {
        let (pin_tx, pin_rx) = std::sync::mpsc::sync_channel(1);
        WindowPrompt {
            emit: Box::new(emit),
            pin_tx,
            pin_rx: Mutex::new(pin_rx),
            verifying: std::sync::atomic::AtomicBool::new(false),
            cancelled: std::sync::atomic::AtomicBool::new(false),
        }
    }

    pub(super) fn cancel(&self) {
        self.cancelled.store(true, std::sync::atomic::Ordering::SeqCst);
        let _ = self.pin_tx.try_send(None);
    }

    pub(super) fn is_cancelled(&self) -> bool {
        self.cancelled.load(std::sync::atomic::Ordering::SeqCst)
    }

    fn step(&self, step: SecurityKeyStep) {
        (self.emit)(step);
    }

    /// The PIN the window sent (`None`: the person cancelled); `false` when a PIN is already
    /// waiting to be read.
    pub(super) fn send_pin(&self, pin: Option<String>) -> bool {
        self.pin_tx.try_send(pin).is_ok()
    }

    fn wait_for_pin(&self) -> Option<String> {
        let rx = self.pin_rx.lock().ok()?;
        rx.recv_timeout(PIN_WAIT).ok().flatten()
    }
}

impl lastmile_device::keys::KeyPrompt for WindowPrompt {
    fn phase(&self, phase: lastmile_device::keys::KeyPhase) {
        let verifying = phase == lastmile_device::keys::KeyPhase::Verify;
        self.verifying.store(verifying, std::sync::atomic::Ordering::SeqCst);
    }
    fn pin(&self) -> Option<String> {
        if self.is_cancelled() {
            return None;
        }
        self.step(SecurityKeyStep::Pin);
        self.wait_for_pin()
    }
    fn new_pin(&self, min_length: u32) -> Option<String> {
        if self.is_cancelled() {
            return None;
        }
        self.step(SecurityKeyStep::NewPin { min_pin_length: min_length });
        self.wait_for_pin()
    }
    fn touch(&self) {
        let verifying = self.verifying.load(std::sync::atomic::Ordering::SeqCst);
        self.step(if verifying { SecurityKeyStep::TouchAgain } else { SecurityKeyStep::Touch });
    }
    fn processing(&self) {
        self.step(SecurityKeyStep::Working);
    }
    fn insert(&self) {
        self.step(SecurityKeyStep::Insert);
    }
    fn system(&self) {
        let verify = self.verifying.load(std::sync::atomic::Ordering::SeqCst);
        self.step(SecurityKeyStep::System { verify });
    }
    fn cancelled(&self) -> bool {
        self.is_cancelled()
    }
}
