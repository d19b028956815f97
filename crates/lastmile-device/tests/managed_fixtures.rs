//! Managed settings from files in the formats the macOS and Windows paths read, made by
//! independent tools (Python's plistlib; a UTF-16 `.reg` as Registry Editor exports it),
//! through the same functions those paths call (`read_plist_file`, `settings_from_registry`).

use std::path::{Path, PathBuf};

use lastmile_device::managed::{RegValue, parse_reg_file, read_plist_file, settings_from_registry};
use lastmile_proto::settings_file::SettingsFile;

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(name)
}

fn acme() -> SettingsFile {
    SettingsFile {
        server_url: Some("https://mfa.acme.example".into()),
        organisation: Some("acme".into()),
        report_interval_minutes: Some(60),
        ntp_servers: Some("time.acme.example:123".into()),
        ..SettingsFile::default()
    }
}

#[test]
fn plists_binary_and_xml_give_the_settings() {
    for name in ["managed-binary.plist", "managed-xml.plist"] {
        let read = read_plist_file(&fixture(name)).expect(name).expect("a file");
        assert_eq!((read.settings, read.unknown), (acme(), vec![]), "{name}");
    }
    assert_eq!(read_plist_file(&fixture("absent.plist")).expect("absent"), None, "no file: nothing managed");
}

#[test]
fn a_broken_plist_is_an_error_that_names_the_problem() {
    // An unknown key (a typo, or a profile for a newer version) is named; the known keys apply.
    let read = read_plist_file(&fixture("managed-unknown-key.plist")).expect("unknown key").expect("a file");
    assert_eq!(read.settings.server_url.as_deref(), Some("https://mfa.acme.example"));
    assert_eq!(read.unknown.len(), 1);
    assert!(read.unknown[0].starts_with("serverURL (in ") && read.unknown[0].ends_with("managed-unknown-key.plist)"));
    let err = read_plist_file(&fixture("managed-wrong-type.plist")).expect_err("wrong type").to_string();
    assert!(err.contains("managed-wrong-type.plist") && err.contains("not a valid settings property list"), "{err}");
    let dir = tempfile::tempdir().expect("dir");
    let truncated = dir.path().join("truncated.plist");
    let bytes = std::fs::read(fixture("managed-binary.plist")).expect("read");
    std::fs::write(&truncated, &bytes[..bytes.len() / 2]).expect("write");
    assert!(read_plist_file(&truncated).is_err(), "half a binary plist");
}

#[test]
fn a_reg_export_gives_the_policy_keys_values() {
    let bytes = std::fs::read(fixture("managed.reg")).expect("read");
    let values = parse_reg_file(&bytes).expect("parse");
    assert_eq!(
        values,
        vec![
            ("server_url".to_string(), RegValue::String("https://mfa.acme.example".into())),
            ("organisation".to_string(), RegValue::String(r#"acme "EU" \ north"#.into())),
            ("report_interval_minutes".to_string(), RegValue::Dword(60)),
            ("proxy_url".to_string(), RegValue::String("http://proxy.acme.example:3128".into())),
        ],
        "the values of the policy key only, escapes and the wrapped REG_EXPAND_SZ decoded"
    );
    let read = settings_from_registry(values, "managed.reg").expect("settings");
    assert!(read.unknown.is_empty(), "{:?}", read.unknown);
    assert_eq!(
        read.settings,
        SettingsFile {
            server_url: Some("https://mfa.acme.example".into()),
            organisation: Some(r#"acme "EU" \ north"#.into()),
            report_interval_minutes: Some(60),
            proxy_url: Some("http://proxy.acme.example:3128".into()),
            ..SettingsFile::default()
        }
    );
}

#[test]
fn the_windows_rules_refuse_wrong_types_and_name_unknown_values() {
    let bytes = std::fs::read(fixture("managed-wrong-type.reg")).expect("read");
    let err = settings_from_registry(parse_reg_file(&bytes).expect("parse"), "managed-wrong-type.reg")
        .expect_err("a string interval")
        .to_string();
    assert!(err.contains("report_interval_minutes must be a REG_DWORD"), "{err}");
    let cases: [(&str, RegValue, &str); 2] = [
        ("server_url", RegValue::Dword(1), "server_url must be a string value (REG_SZ), not a REG_DWORD"),
        ("proxy_url", RegValue::Other("REG_MULTI_SZ"), "not REG_MULTI_SZ"),
    ];
    for (name, value, needle) in cases {
        let err = settings_from_registry([(name.to_string(), value)], "HKLM").expect_err(name).to_string();
        assert!(err.contains(needle), "{name}: {err}");
    }
    // An unknown name (a template for a newer version) is named, of any type; the rest apply.
    let values = [
        ("serverUrl".to_string(), RegValue::Other("REG_MULTI_SZ")),
        ("server_url".to_string(), RegValue::String("https://mfa.acme.example".into())),
    ];
    let read = settings_from_registry(values, "HKLM").expect("unknown names are not errors");
    assert_eq!(read.unknown, vec!["serverUrl (in HKLM)".to_string()]);
    assert_eq!(read.settings.server_url.as_deref(), Some("https://mfa.acme.example"));
}

#[test]
fn malformed_reg_files_are_refused_with_the_line() {
    let cases: [(&str, &str); 4] = [
        ("not a reg file\r\n", "not a .reg file"),
        ("REGEDIT4\n[HKEY_LOCAL_MACHINE\\SOFTWARE\\Policies\\Lastmile\n", "line 2: a key without its ]"),
        ("REGEDIT4\n[HKEY_LOCAL_MACHINE\\SOFTWARE\\Policies\\Lastmile]\n\"server_url\"=\"open\n", "unterminated"),
        ("REGEDIT4\n[HKEY_LOCAL_MACHINE\\SOFTWARE\\Policies\\Lastmile]\n\"x\"=dword:zz\n", "line 3: x: dword:zz"),
    ];
    for (text, needle) in cases {
        let err = parse_reg_file(text.as_bytes()).expect_err(text);
        assert!(err.contains(needle), "{text:?}: {err}");
    }
    // A deletion sets nothing; a key other than the policy key is ignored.
    let text = "REGEDIT4\n[HKEY_LOCAL_MACHINE\\SOFTWARE\\Policies\\Lastmile]\n\"server_url\"=-\n";
    assert_eq!(parse_reg_file(text.as_bytes()).expect("deletion"), vec![]);
}
