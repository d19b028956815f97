//! Facts about the operating system (claims the app reports, never proof).

use lastmile_proto::app::DeviceFacts;
use sysinfo::System;

/// Reads the OS facts. Cheap: no process or hardware enumeration.
pub fn facts() -> DeviceFacts {
    DeviceFacts {
        hostname: System::host_name().unwrap_or_else(|_| "unknown".into()),
        os_name: System::name().unwrap_or_else(|_| std::env::consts::OS.into()),
        os_version: System::os_version().unwrap_or_else(|_| "unknown".into()),
        kernel_version: System::kernel_version().ok(),
        arch: System::cpu_arch(),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn facts_are_filled_in() {
        let f = super::facts();
        assert!(!f.os_name.is_empty() && !f.arch.is_empty() && !f.hostname.is_empty(), "{f:?}");
        assert_eq!(f.arch, std::env::consts::ARCH);
    }
}
