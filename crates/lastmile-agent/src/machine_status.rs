//! The machine status file (see [`MachineStatus`]): written after every status, atomically,
//! readable by everyone, into a directory the package created. Where there is none (the app
//! was not installed by a package, or the OS has none), nothing is written. A failure to
//! write is logged and never fails the command: the file is for inventory, not for the person.

use std::io::Write as _;
use std::path::Path;

use lastmile_proto::app::{MACHINE_STATUS_SCHEMA_VERSION, MachineStatus, StatusReport};

/// The file's contents for a status report.
pub fn from_report(report: &StatusReport) -> MachineStatus {
    let view = report.enrollment.server_view.as_ref();
    MachineStatus {
        schema_version: MACHINE_STATUS_SCHEMA_VERSION,
        state: crate::exit::mdm_state(report),
        generated_at_ms: report.generated_at_ms,
        app_version: report.app_version.clone(),
        joined: report.enrollment.joined,
        organisation: report.enrollment.organisation.clone(),
        user_email: report.enrollment.user_email.clone(),
        device_id: report.enrollment.device_id.clone(),
        verified_factors: view.map(|v| v.factors.iter().map(|f| f.kind.clone()).collect()).unwrap_or_default(),
        last_report_at_ms: view.and_then(|v| v.last_report_at_ms),
        problems: report.problems.iter().map(|p| p.code).collect(),
    }
}

/// Writes the file for this person into `dir`, if it exists.
pub fn write(dir: &Path, status: &MachineStatus) {
    if !dir.is_dir() {
        return;
    }
    if let Err(e) = write_in(dir, status) {
        tracing::warn!(error = %e, dir = %dir.display(), "the machine status file was not written");
    }
}

fn write_in(dir: &Path, status: &MachineStatus) -> std::io::Result<()> {
    let json = serde_json::to_vec_pretty(status).map_err(std::io::Error::other)?;
    let mut tmp = tempfile::Builder::new().prefix(".status-").tempfile_in(dir)?;
    tmp.write_all(&json)?;
    tmp.as_file().sync_all()?;
    let name = file_name(tmp.path())?;
    #[cfg(unix)]
    std::fs::set_permissions(tmp.path(), std::os::unix::fs::PermissionsExt::from_mode(0o644))?;
    tmp.persist(dir.join(name)).map_err(|e| e.error)?;
    Ok(())
}

/// `<uid>.json`, the uid read from the file this process just made (so that it is the
/// kernel's word for who wrote it, not an environment variable's); on Windows the user's
/// name.
#[cfg(unix)]
fn file_name(made: &Path) -> std::io::Result<String> {
    use std::os::unix::fs::MetadataExt as _;
    Ok(format!("{}.json", std::fs::metadata(made)?.uid()))
}

#[cfg(not(unix))]
fn file_name(_made: &Path) -> std::io::Result<String> {
    let user = std::env::var("USERNAME").map_err(|_| std::io::Error::other("USERNAME is not set"))?;
    if user.is_empty() || user.contains(['/', '\\', '.']) {
        return Err(std::io::Error::other("USERNAME is not a file name"));
    }
    Ok(format!("{user}.json"))
}
