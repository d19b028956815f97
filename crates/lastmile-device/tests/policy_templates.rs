//! The policy templates IT imports (ADMX/ADML, the Jamf manifest, the sample .mobileconfig,
//! the JSON Schema) are generated from the settings table. This test keeps the copies in
//! `deploy/policy/` current (`UPDATE_TEMPLATES=1` rewrites them) and reads each template
//! back the way its platform would use it, through the app's own readers: every setting must
//! arrive in `managed` with its type, and nothing else.

use std::path::PathBuf;

use lastmile_device::managed::templates::{self, templates};
use lastmile_device::managed::{self, BUNDLE_ID, RegValue};
use lastmile_proto::settings_file::{Kind, SETTINGS, SettingsFile, spec};

fn deploy_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../deploy/policy")
}

fn template(path: &str) -> String {
    templates().into_iter().find(|t| t.path == path).unwrap_or_else(|| panic!("no template {path}")).contents
}

/// The file the table's examples make: what each template's sample must become.
fn examples() -> SettingsFile {
    let object: serde_json::Map<String, serde_json::Value> = SETTINGS
        .iter()
        .map(|s| {
            let v = match s.kind {
                Kind::Integer { .. } => serde_json::json!(s.example.parse::<u32>().expect("number")),
                _ => serde_json::json!(s.example),
            };
            (s.key.to_string(), v)
        })
        .collect();
    serde_json::from_value(object.into()).expect("the examples make a settings file")
}

#[test]
fn the_committed_templates_are_the_generated_ones() {
    let update = std::env::var_os("UPDATE_TEMPLATES").is_some();
    for t in templates() {
        let path = deploy_dir().join(t.path);
        if update {
            std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
            std::fs::write(&path, &t.contents).expect("write");
        }
        let committed = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            committed == t.contents,
            "{} is not what the settings table generates: run UPDATE_TEMPLATES=1 cargo test -p lastmile-device --test policy_templates",
            path.display()
        );
    }
}

/// Group Policy writes each enabled policy's element as a value under its key: `text` and
/// an `enum` item's `string` as REG_SZ, `decimal` as REG_DWORD. Those values, read by the
/// Windows path's rules, must give every setting.
#[test]
fn the_admx_writes_every_setting_where_and_as_the_app_reads_it() {
    let admx_text = template("windows/lastmile.admx");
    let adml_text = template("windows/en-US/lastmile.adml");
    let admx = roxmltree::Document::parse(&admx_text).expect("the ADMX is XML");
    let adml = roxmltree::Document::parse(&adml_text).expect("the ADML is XML");
    let strings: Vec<&str> =
        adml.descendants().filter(|n| n.has_tag_name("string")).filter_map(|n| n.attribute("id")).collect();
    let presentations: Vec<roxmltree::Node> = adml.descendants().filter(|n| n.has_tag_name("presentation")).collect();
    // Every $(string.x) and $(presentation.x) the ADMX names is in the ADML.
    for node in admx.descendants() {
        for attr in node.attributes() {
            if let Some(id) = attr.value().strip_prefix("$(string.").and_then(|r| r.strip_suffix(')')) {
                assert!(strings.contains(&id), "the ADML has no string {id}");
            }
            if let Some(id) = attr.value().strip_prefix("$(presentation.").and_then(|r| r.strip_suffix(')')) {
                assert!(presentations.iter().any(|p| p.attribute("id") == Some(id)), "no presentation {id}");
            }
        }
    }

    let mut values = Vec::new();
    let mut named = Vec::new();
    for policy in admx.descendants().filter(|n| n.has_tag_name("policy")) {
        let name = policy.attribute("name").expect("name");
        let s = spec(name).unwrap_or_else(|| panic!("policy {name} is no setting"));
        named.push(name);
        assert_eq!(policy.attribute("key"), Some(r"SOFTWARE\Policies\Lastmile"), "{name}");
        assert_eq!(policy.attribute("class"), Some("Both"), "{name}: machine and user policy");
        let elements: Vec<_> = policy
            .descendants()
            .filter(|n| n.is_element() && n.parent().is_some_and(|p| p.has_tag_name("elements")))
            .collect();
        assert_eq!(elements.len(), 1, "{name}: one element");
        let e = elements[0];
        assert_eq!(e.attribute("valueName"), Some(name), "{name}: the value is named as the key");
        // The presentation shows this element.
        let id = e.attribute("id").expect("id");
        let shown = presentations
            .iter()
            .find(|p| p.attribute("id") == Some(name))
            .is_some_and(|p| p.descendants().any(|c| c.attribute("refId") == Some(id)));
        assert!(shown, "{name}: its presentation shows no element {id}");
        let value = match (e.tag_name().name(), s.kind) {
            ("text", Kind::Text | Kind::Url | Kind::Secret) => RegValue::String(s.example.into()),
            ("decimal", Kind::Integer { min, max, .. }) => {
                assert_eq!(e.attribute("minValue"), Some(min.to_string().as_str()), "{name}");
                assert_eq!(e.attribute("maxValue"), Some(max.to_string().as_str()), "{name}");
                RegValue::Dword(s.example.parse().expect("number"))
            }
            ("enum", Kind::Choice(choices)) => {
                let items: Vec<&str> =
                    e.descendants().filter(|n| n.has_tag_name("string")).filter_map(|n| n.text()).collect();
                assert_eq!(items, choices, "{name}: the items are the choices");
                RegValue::String(s.example.into())
            }
            (tag, kind) => panic!("{name}: a {tag} element for a {kind:?} setting"),
        };
        values.push((name.to_string(), value));
    }
    assert_eq!(named, SETTINGS.iter().map(|s| s.key).collect::<Vec<_>>(), "one policy per setting");
    let read = managed::settings_from_registry(values, "the ADMX's values").expect("the app reads them");
    assert_eq!(read.settings, examples());
    assert!(read.unknown.is_empty(), "{:?}", read.unknown);
}

/// The sample profile's settings payload, as macOS writes it to the managed-preferences
/// plist (the payload's own `Payload*` keys left out), read by the macOS path's reader.
#[test]
fn the_mobileconfig_reaches_the_managed_preferences_reader() {
    let profile: plist::Value = plist::from_bytes(template("macos/dev.lastmile.desktop.mobileconfig").as_bytes())
        .expect("the profile is a plist");
    let profile = profile.as_dictionary().expect("a dictionary");
    assert_eq!(profile.get("PayloadType").and_then(|v| v.as_string()), Some("Configuration"));
    let content = profile.get("PayloadContent").and_then(|v| v.as_array()).expect("PayloadContent");
    assert_eq!(content.len(), 1);
    let payload = content[0].as_dictionary().expect("a payload");
    assert_eq!(payload.get("PayloadType").and_then(|v| v.as_string()), Some(BUNDLE_ID), "the domain the app reads");
    let mut prefs = plist::Dictionary::new();
    for (k, v) in payload.iter().filter(|(k, _)| !k.starts_with("Payload")) {
        prefs.insert(k.clone(), v.clone());
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join(format!("{BUNDLE_ID}.plist"));
    plist::to_file_binary(&file, &plist::Value::Dictionary(prefs)).expect("write");
    let read = managed::read_plist_file(&file).expect("read").expect("present");
    assert_eq!(read.settings, examples());
    assert!(read.unknown.is_empty(), "{:?}", read.unknown);
}

/// The two JSON Schemas (the Jamf manifest and the Linux file's) describe every setting with
/// the type the app reads: a document of their examples is read as the table's, and a value
/// of another type for any one property is refused by the app too.
#[test]
fn the_json_schemas_type_every_setting_as_the_app_does() {
    for path in ["macos/dev.lastmile.desktop.json", "linux/managed.schema.json"] {
        let schema: serde_json::Value = serde_json::from_str(&template(path)).expect("JSON");
        let properties = schema["properties"].as_object().unwrap_or_else(|| panic!("{path}: properties"));
        let mut keys: Vec<&str> = SETTINGS.iter().map(|s| s.key).collect();
        keys.sort_unstable();
        assert_eq!(properties.keys().map(String::as_str).collect::<Vec<_>>(), keys, "{path}: one property per setting");
        let mut doc = serde_json::Map::new();
        for (key, p) in properties {
            let s = spec(key).expect("a setting");
            let value = match p["type"].as_str() {
                Some("integer") => {
                    let n: u64 = s.example.parse().expect("number");
                    assert!(p["minimum"].as_u64() <= Some(n) && Some(n) <= p["maximum"].as_u64(), "{path}: {key}");
                    serde_json::json!(n)
                }
                Some("string") => {
                    if let Some(choices) = p["enum"].as_array() {
                        assert!(choices.contains(&serde_json::json!(s.example)), "{path}: {key}");
                    }
                    serde_json::json!(s.example)
                }
                other => panic!("{path}: {key} has type {other:?}"),
            };
            let wrong = if value.is_number() { serde_json::json!("1") } else { serde_json::json!(1) };
            let one = serde_json::json!({ key.clone(): wrong }).to_string();
            assert!(managed::parse_json(one.as_bytes()).is_err(), "{path}: {key} of another type is read");
            doc.insert(key.clone(), value);
        }
        let (settings, unknown) =
            managed::parse_json(serde_json::Value::Object(doc).to_string().as_bytes()).expect("the app reads it");
        assert_eq!(settings, examples(), "{path}");
        assert!(unknown.is_empty());
    }
    let linux: serde_json::Value = serde_json::from_str(&template("linux/managed.schema.json")).expect("JSON");
    assert_eq!(linux["additionalProperties"], serde_json::json!(false), "typos are caught while writing");
    let jamf: serde_json::Value = serde_json::from_str(&template("macos/dev.lastmile.desktop.json")).expect("JSON");
    assert_eq!(jamf["__preferencedomain"], serde_json::json!(BUNDLE_ID));
}

/// The Windows installer's fragment: one secure public property per setting (secrets hidden
/// from msiexec's log), each written by a component installed only when the property is
/// given, as machine policy where and as the app reads it. Installing with every property set
/// gives the table's examples; with one set, only that one is written (no empty values that
/// would override Group Policy). wixl 0.101 cannot compile it (it has no component
/// conditions), so it is checked here as XML; the Windows workflow builds it with WiX.
#[test]
fn the_msi_fragment_writes_each_given_property_as_machine_policy() {
    let wxs = template("windows/lastmile-policy.wxs");
    let doc = roxmltree::Document::parse(&wxs).expect("the fragment is XML");
    let properties: Vec<(String, bool)> = doc
        .descendants()
        .filter(|n| n.has_tag_name("Property"))
        .map(|n| {
            assert_eq!(n.attribute("Secure"), Some("yes"), "public properties reach the install step");
            (n.attribute("Id").expect("Id").to_string(), n.attribute("Hidden") == Some("yes"))
        })
        .collect();
    let want: Vec<(String, bool)> =
        SETTINGS.iter().map(|s| (s.key.to_ascii_uppercase(), s.kind == Kind::Secret)).collect();
    assert_eq!(properties, want);

    // What msiexec writes for a set of given properties.
    let install = |given: &dyn Fn(&str) -> Option<String>| {
        let mut values = Vec::new();
        for c in doc.descendants().filter(|n| n.has_tag_name("Component") && n.attribute("Id") != Some("StartAtLogin"))
        {
            let condition =
                c.children().find(|n| n.has_tag_name("Condition")).and_then(|n| n.text()).expect("condition");
            let r = c.children().find(|n| n.has_tag_name("RegistryValue")).expect("a registry value");
            assert_eq!((r.attribute("Root"), r.attribute("Key")), (Some("HKLM"), Some(r"SOFTWARE\Policies\Lastmile")));
            let name = r.attribute("Name").expect("Name");
            assert_eq!(r.attribute("Value"), Some(format!("[{condition}]").as_str()), "{name}");
            let s = spec(name).unwrap_or_else(|| panic!("{name} is no setting"));
            let Some(value) = given(condition) else { continue };
            values.push((
                name.to_string(),
                match (r.attribute("Type"), s.kind) {
                    (Some("integer"), Kind::Integer { .. }) => RegValue::Dword(value.parse().expect("number")),
                    (Some("string"), Kind::Text | Kind::Url | Kind::Choice(_) | Kind::Secret) => {
                        RegValue::String(value)
                    }
                    (ty, kind) => panic!("{name}: a {ty:?} value for a {kind:?} setting"),
                },
            ));
        }
        managed::settings_from_registry(values, "the MSI's values").expect("the app reads them")
    };
    let every = install(&|property| {
        SETTINGS.iter().find(|s| s.key.to_ascii_uppercase() == property).map(|s| s.example.to_string())
    });
    assert_eq!(every.settings, examples());
    let one = install(&|property| (property == "SERVER_URL").then(|| "https://mfa.example.com".to_string()));
    assert_eq!(
        one.settings,
        SettingsFile { server_url: Some("https://mfa.example.com".into()), ..SettingsFile::default() }
    );
    // The login item: the app under the machine's Run key, deciding at each login.
    let login = doc
        .descendants()
        .find(|n| n.has_tag_name("Component") && n.attribute("Id") == Some("StartAtLogin"))
        .and_then(|c| c.children().find(|n| n.has_tag_name("RegistryValue")))
        .expect("the login item");
    assert_eq!(
        (login.attribute("Root"), login.attribute("Key"), login.attribute("Value")),
        (Some("HKLM"), Some(templates::RUN_KEY), Some("\"[#Path]\" --autostart"))
    );
    assert!(
        login.parent().and_then(|c| c.children().find(|n| n.has_tag_name("Condition"))).is_none(),
        "always installed"
    );
    let refs = doc.descendants().filter(|n| n.has_tag_name("ComponentRef")).count();
    assert_eq!(refs, SETTINGS.len() + 1, "the group installs every component and the login item");
}
