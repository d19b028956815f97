//! Desktop reminders of the step a person's organisation asks for: the server's view of the
//! gap (its next step, its deadline) on the person's desktop, at most one a day, never in
//! quiet hours, governed by the `reminders` and `quiet_hours` settings. When the last one was
//! shown is kept in the state directory (`reminded`), so the window and the scheduled run
//! share the one-a-day budget.

use lastmile_core::clock::Clock;
use lastmile_proto::app::StatusReport;

use crate::{Agent, DeviceProbe, SecretStore};
use lastmile_core::words::Arg;

/// What to show.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reminder {
    pub summary: String,
    pub body: String,
}

impl<D: DeviceProbe, S: SecretStore, C: Clock> Agent<D, S, C> {
    /// The reminder due now for `report`, if any, recorded as shown: call it only to show
    /// what it returns. `local_minute` is the minute of the local day (quiet hours).
    pub fn take_reminder(&self, report: &StatusReport, local_minute: u16) -> Option<Reminder> {
        let view = report.enrollment.server_view.as_ref()?;
        if view.standing.ok {
            return None;
        }
        let step = view.next_step.as_ref()?;
        let settings = self.resolve_settings().ok()?.settings;
        let on = settings.reminders.value.as_deref() == Some("daily");
        let quiet = settings.quiet_hours.value?;
        let path = self.files.state_dir.join("reminded");
        let last = std::fs::read_to_string(&path).ok().and_then(|s| s.trim().parse::<i64>().ok());
        let now = self.clock.now().0;
        if !lastmile_core::reminder::due(on, now, last, local_minute, quiet) {
            return None;
        }
        // Recorded before it is shown: a reminder lost to a crash is better than two.
        if let Err(e) =
            std::fs::create_dir_all(&self.files.state_dir).and_then(|()| std::fs::write(&path, now.to_string()))
        {
            tracing::warn!(error = %e, "cannot record the reminder; not showing it");
            return None;
        }
        let words = lastmile_core::words::Words::new(self.locale());
        let organisation = report.enrollment.organisation.clone().unwrap_or_default();
        let days =
            view.standing.deadline_ms.filter(|d| *d > now).map(|d| (d - now + 24 * 3_600_000 - 1) / (24 * 3_600_000));
        let step = crate::glance::next_step(words, step);
        let days = match days {
            Some(n) => Arg::Number(n),
            None => Arg::Text("none"),
        };
        Some(Reminder {
            summary: words.say("reminder-summary", &[("organisation", Arg::Text(&organisation))]),
            body: words.say("reminder-body", &[("step", Arg::Text(&step)), ("days", days)]),
        })
    }
}
