//! Policy templates for IT, generated from the one settings table
//! ([`lastmile_proto::settings_file::SETTINGS`]), never written by hand:
//!
//! * `windows/lastmile.admx` and `windows/en-US/lastmile.adml`: Group Policy and Intune
//!   (ADMX ingestion). Every policy is `class="Both"`: the computer's values land under
//!   `HKLM\SOFTWARE\Policies\Lastmile`, a user's under the same path in HKCU, and the app lays
//!   the computer's over the user's.
//! * `windows/lastmile-policy.wxs`: the Windows installer's public properties (one per
//!   setting, `SERVER_URL=...` on the msiexec command line) written as machine policy.
//! * `macos/dev.lastmile.desktop.json`: a Jamf Pro custom-settings manifest (JSON Schema with
//!   Jamf's `title`/`property_order` extensions) for the managed-preferences domain.
//! * `macos/dev.lastmile.desktop.mobileconfig`: a sample configuration profile with every key,
//!   for MDMs without a schema editor. Its UUIDs are fixed: give a real profile its own.
//! * `linux/managed.schema.json`: a JSON Schema for `/etc/lastmile/managed.json` and the
//!   `managed.d/*.json` drop-ins (editors and configuration tools validate against it).
//!
//! `crates/lastmile-device/tests/policy_templates.rs` keeps the copies in `deploy/policy/`
//! current and reads each one back through the readers of [`super`].

use lastmile_proto::settings_file::{Kind, SETTINGS, Spec};

use super::BUNDLE_ID;
use super::registry::POLICY_KEY;

/// One generated file: where it goes under `deploy/policy/`, and what it holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Template {
    pub path: &'static str,
    pub contents: String,
}

/// Every template, generated.
pub fn templates() -> Vec<Template> {
    vec![
        Template { path: "windows/lastmile.admx", contents: admx() },
        Template { path: "windows/en-US/lastmile.adml", contents: adml() },
        Template { path: "windows/lastmile-policy.wxs", contents: wix_fragment() },
        Template { path: "macos/dev.lastmile.desktop.json", contents: jamf_manifest() },
        Template { path: "macos/dev.lastmile.desktop.mobileconfig", contents: mobileconfig() },
        Template { path: "linux/managed.schema.json", contents: json_schema() },
    ]
}

/// The version the templates declare (ADMX revision, profile version).
const REVISION: &str = "1.0";

fn xml_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c => out.push(c),
        }
    }
    out
}

/// How a value is carried, for the administrator reading a description.
fn kind_note(spec: &Spec) -> String {
    match spec.kind {
        Kind::Integer { min, max, default } => format!(" From {min} to {max}; {default} when not set."),
        Kind::Choice(values) => format!(" One of: {}.", values.join(", ")),
        Kind::Secret => {
            " A secret: anyone who can read the policy can read it, so scope it to the devices it is for.".into()
        }
        Kind::Text | Kind::Url => String::new(),
    }
}

fn admx() -> String {
    let mut policies = String::new();
    for s in SETTINGS.iter() {
        let element = match s.kind {
            Kind::Text | Kind::Url | Kind::Secret => {
                format!(r#"        <text id="{k}" valueName="{k}" required="true" maxLength="2048" />"#, k = s.key)
            }
            Kind::Integer { min, max, .. } => format!(
                r#"        <decimal id="{k}" valueName="{k}" required="true" minValue="{min}" maxValue="{max}" />"#,
                k = s.key
            ),
            Kind::Choice(values) => {
                let items: String = values
                    .iter()
                    .map(|v| {
                        format!(
                            "\n          <item displayName=\"$(string.{k}_{v})\"><value><string>{v}</string></value></item>",
                            k = s.key
                        )
                    })
                    .collect();
                format!(
                    "        <enum id=\"{k}\" valueName=\"{k}\" required=\"true\">{items}\n        </enum>",
                    k = s.key
                )
            }
        };
        policies.push_str(&format!(
            r#"    <policy name="{k}" class="Both" displayName="$(string.{k})" explainText="$(string.{k}_Explain)" presentation="$(presentation.{k})" key="{key}">
      <parentCategory ref="Lastmile" />
      <supportedOn ref="SUPPORTED_Lastmile_1" />
      <elements>
{element}
      </elements>
    </policy>
"#,
            k = s.key,
            key = xml_escape(POLICY_KEY),
        ));
    }
    format!(
        r#"<?xml version="1.0" encoding="utf-8"?>
<!-- Generated from Lastmile's settings table; do not edit (crates/lastmile-device/src/managed/templates.rs). -->
<policyDefinitions xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" revision="{REVISION}" schemaVersion="1.0" xmlns="http://schemas.microsoft.com/GroupPolicy/2006/07/PolicyDefinitions">
  <policyNamespaces>
    <target prefix="lastmile" namespace="Lastmile.Policies.Lastmile" />
  </policyNamespaces>
  <resources minRequiredRevision="{REVISION}" />
  <supportedOn>
    <definitions>
      <definition name="SUPPORTED_Lastmile_1" displayName="$(string.SUPPORTED_Lastmile_1)" />
    </definitions>
  </supportedOn>
  <categories>
    <category name="Lastmile" displayName="$(string.Lastmile)" />
  </categories>
  <policies>
{policies}  </policies>
</policyDefinitions>
"#
    )
}

fn adml() -> String {
    let mut strings = String::new();
    let mut presentations = String::new();
    for s in SETTINGS.iter() {
        let k = s.key;
        strings.push_str(&format!("      <string id=\"{k}\">{}</string>\n", xml_escape(s.title)));
        strings.push_str(&format!(
            "      <string id=\"{k}_Explain\">{}{}\n\nValue name: {k}.</string>\n",
            xml_escape(s.description),
            xml_escape(&kind_note(s))
        ));
        let control = match s.kind {
            Kind::Text | Kind::Url | Kind::Secret => {
                format!("<textBox refId=\"{k}\"><label>{}</label></textBox>", xml_escape(s.title))
            }
            Kind::Integer { default, .. } => format!(
                "<decimalTextBox refId=\"{k}\" defaultValue=\"{default}\">{}</decimalTextBox>",
                xml_escape(s.title)
            ),
            Kind::Choice(values) => {
                for v in values {
                    strings.push_str(&format!("      <string id=\"{k}_{v}\">{v}</string>\n"));
                }
                format!("<dropdownList refId=\"{k}\" noSort=\"true\">{}</dropdownList>", xml_escape(s.title))
            }
        };
        presentations.push_str(&format!("      <presentation id=\"{k}\">\n        {control}\n      </presentation>\n"));
    }
    format!(
        r#"<?xml version="1.0" encoding="utf-8"?>
<!-- Generated from Lastmile's settings table; do not edit (crates/lastmile-device/src/managed/templates.rs). -->
<policyDefinitionResources xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" revision="{REVISION}" schemaVersion="1.0" xmlns="http://schemas.microsoft.com/GroupPolicy/2006/07/PolicyDefinitions">
  <displayName>Lastmile</displayName>
  <description>Settings for Lastmile, the MFA enrollment companion.</description>
  <resources>
    <stringTable>
      <string id="Lastmile">Lastmile</string>
      <string id="SUPPORTED_Lastmile_1">Lastmile {REVISION} and later</string>
{strings}    </stringTable>
    <presentationTable>
{presentations}    </presentationTable>
  </resources>
</policyDefinitionResources>
"#
    )
}

/// A property's JSON Schema: type, bounds, choices, description.
fn property(s: &Spec) -> serde_json::Map<String, serde_json::Value> {
    let mut p = serde_json::Map::new();
    p.insert("title".into(), s.title.into());
    p.insert("description".into(), format!("{}{}", s.description, kind_note(s)).into());
    match s.kind {
        Kind::Text | Kind::Secret => {
            p.insert("type".into(), "string".into());
        }
        Kind::Url => {
            p.insert("type".into(), "string".into());
            p.insert("format".into(), "uri".into());
        }
        Kind::Integer { min, max, default } => {
            p.insert("type".into(), "integer".into());
            p.insert("minimum".into(), min.into());
            p.insert("maximum".into(), max.into());
            p.insert("default".into(), default.into());
        }
        Kind::Choice(values) => {
            p.insert("type".into(), "string".into());
            p.insert("enum".into(), values.to_vec().into());
        }
    }
    p
}

fn pretty(value: &serde_json::Value) -> String {
    // Serialising a Value cannot fail.
    serde_json::to_string_pretty(value).unwrap_or_default() + "\n"
}

fn jamf_manifest() -> String {
    let mut properties = serde_json::Map::new();
    for (order, s) in SETTINGS.iter().enumerate() {
        let mut p = property(s);
        p.insert("property_order".into(), ((order + 1) * 5).into());
        if let Kind::Choice(values) = s.kind {
            p.insert("options".into(), serde_json::json!({ "enum_titles": values }));
        }
        properties.insert(s.key.into(), p.into());
    }
    pretty(&serde_json::json!({
        "title": format!("Lastmile ({BUNDLE_ID})"),
        "description": "Settings for Lastmile, the MFA enrollment companion. Generated from its settings table.",
        "__preferencedomain": BUNDLE_ID,
        "__version": REVISION,
        "options": { "remove_empty_properties": true },
        "properties": properties,
    }))
}

fn json_schema() -> String {
    let properties: serde_json::Map<_, _> = SETTINGS.iter().map(|s| (s.key.to_string(), property(s).into())).collect();
    pretty(&serde_json::json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://lastmile.dev/schemas/managed.schema.json",
        "title": "Lastmile managed settings",
        "description": "/etc/lastmile/managed.json and /etc/lastmile/managed.d/*.json. Lastmile itself tolerates keys it does not know (it names them in lastmile status); this schema refuses them so that a typo is caught while writing.",
        "type": "object",
        "additionalProperties": false,
        "properties": properties,
    }))
}

fn mobileconfig() -> String {
    use plist::{Dictionary, Value};
    let mut settings = Dictionary::new();
    settings.insert("PayloadType".into(), BUNDLE_ID.into());
    settings.insert("PayloadIdentifier".into(), format!("{BUNDLE_ID}.settings").into());
    settings.insert("PayloadUUID".into(), "6F1C2E4A-9B3D-4E5F-8A7B-1C2D3E4F5A6B".into());
    settings.insert("PayloadVersion".into(), 1.into());
    settings.insert("PayloadDisplayName".into(), "Lastmile settings".into());
    for s in SETTINGS.iter() {
        let value = match s.kind {
            // The examples are checked to be numbers by the table's own test.
            Kind::Integer { .. } => Value::Integer(s.example.parse::<u32>().unwrap_or_default().into()),
            Kind::Text | Kind::Url | Kind::Choice(_) | Kind::Secret => s.example.into(),
        };
        settings.insert(s.key.into(), value);
    }
    let mut profile = Dictionary::new();
    profile.insert("PayloadContent".into(), Value::Array(vec![Value::Dictionary(settings)]));
    profile.insert("PayloadDisplayName".into(), "Lastmile (sample: edit the values)".into());
    profile.insert(
        "PayloadDescription".into(),
        "Generated from Lastmile's settings table. Give a real profile its own PayloadUUIDs.".into(),
    );
    profile.insert("PayloadIdentifier".into(), format!("{BUNDLE_ID}.profile").into());
    profile.insert("PayloadType".into(), "Configuration".into());
    profile.insert("PayloadUUID".into(), "0B8E1F3A-5C7D-4A2B-9E6F-3D4C5B6A7980".into());
    profile.insert("PayloadVersion".into(), 1.into());
    profile.insert("PayloadScope".into(), "System".into());
    let mut out = Vec::new();
    // Writing a plist of strings and integers into memory cannot fail.
    let _ = plist::to_writer_xml(&mut out, &Value::Dictionary(profile));
    String::from_utf8(out).unwrap_or_default() + "\n"
}

/// Where Windows starts programs at every user's login.
pub const RUN_KEY: &str = r"SOFTWARE\Microsoft\Windows\CurrentVersion\Run";

/// The MSI property that presets a setting at install time (`msiexec /i lastmile.msi
/// SERVER_URL=https://... /qn`): the key in capitals.
pub fn msi_property(key: &str) -> String {
    key.to_ascii_uppercase()
}

/// A WiX 3 fragment for the Windows installer (`tauri build --bundles msi` names it in
/// `bundle.windows.wix.fragmentPaths`): one public, secure property per setting, and for each
/// a component, installed only when the property is given, that writes it as machine policy
/// under `HKLM\SOFTWARE\Policies\Lastmile` (numbers as REG_DWORD), where the app reads it.
/// Secrets are hidden properties, so that msiexec's log does not show them. Also the login
/// item every user gets (`lastmile.exe --autostart` under the machine's Run key).
fn wix_fragment() -> String {
    let mut properties = String::new();
    let mut components = String::new();
    let mut refs = String::new();
    for s in SETTINGS.iter() {
        let property = msi_property(s.key);
        let hidden = if s.kind == Kind::Secret { r#" Hidden="yes""# } else { "" };
        properties.push_str(&format!("    <Property Id=\"{property}\" Secure=\"yes\"{hidden} />\n"));
        let ty = if matches!(s.kind, Kind::Integer { .. }) { "integer" } else { "string" };
        components.push_str(&format!(
            r#"      <Component Id="Policy_{k}" Guid="*" Win64="yes">
        <Condition><![CDATA[{property}]]></Condition>
        <RegistryValue Root="HKLM" Key="{key}" Name="{k}" Type="{ty}" Value="[{property}]" KeyPath="yes" />
      </Component>
"#,
            k = s.key,
            key = xml_escape(POLICY_KEY),
        ));
        refs.push_str(&format!("      <ComponentRef Id=\"Policy_{}\" />\n", s.key));
    }
    // The login item, for every user (like /etc/xdg/autostart on Linux): `--autostart` decides
    // at each login from the autostart setting whether anything starts. `Path` is the app's
    // file in the bundler's main.wxs.
    components.push_str(&format!(
        r#"      <Component Id="StartAtLogin" Guid="*" Win64="yes">
        <RegistryValue Root="HKLM" Key="{RUN_KEY}" Name="Lastmile" Type="string" Value="&quot;[#Path]&quot; --autostart" KeyPath="yes" />
      </Component>
"#
    ));
    refs.push_str("      <ComponentRef Id=\"StartAtLogin\" />\n");
    format!(
        r#"<?xml version="1.0" encoding="utf-8"?>
<!-- Generated from Lastmile's settings table; do not edit (crates/lastmile-device/src/managed/templates.rs). -->
<Wix xmlns="http://schemas.microsoft.com/wix/2006/wi">
  <Fragment>
{properties}    <DirectoryRef Id="TARGETDIR">
{components}    </DirectoryRef>
    <ComponentGroup Id="LastmilePolicy">
{refs}    </ComponentGroup>
  </Fragment>
</Wix>
"#
    )
}
