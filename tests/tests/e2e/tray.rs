//! The tray icon as a desktop shell sees it: a StatusNotifierWatcher on the test's session
//! bus (the role GNOME's AppIndicator extension, KDE Plasma or waybar play) receives the
//! app's item, reads its menu over D-Bus (com.canonical.dbusmenu) and clicks its entries.

use std::collections::HashMap;
use std::process::{Child, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use lastmile_tests::{Home, Server, require_keyring};
use zbus::zvariant::{OwnedObjectPath, OwnedValue, Value};

/// The tray's host, faked: it records who registered which item.
struct Watcher {
    items: Arc<Mutex<Vec<(String, String)>>>,
}

#[zbus::interface(name = "org.kde.StatusNotifierWatcher")]
impl Watcher {
    fn register_status_notifier_item(&self, service: String, #[zbus(header)] header: zbus::message::Header<'_>) {
        let sender = header.sender().map(|s| s.to_string()).unwrap_or_default();
        self.items.lock().expect("lock").push((sender, service));
    }

    fn register_status_notifier_host(&self, _service: String) {}

    #[zbus(property)]
    fn registered_status_notifier_items(&self) -> Vec<String> {
        self.items.lock().expect("lock").iter().map(|(sender, _)| sender.clone()).collect()
    }

    #[zbus(property)]
    fn is_status_notifier_host_registered(&self) -> bool {
        true
    }

    #[zbus(property)]
    fn protocol_version(&self) -> i32 {
        0
    }
}

/// One entry of the tray's menu.
#[derive(Debug, Clone)]
struct Entry {
    id: i32,
    label: String,
    enabled: bool,
}

/// A dbusmenu layout node: its id, its properties and its children (each a variant holding
/// a node).
type Layout = (i32, HashMap<String, OwnedValue>, Vec<OwnedValue>);

/// The menu's entries, top to bottom (separators have no label and are left out).
fn entries(conn: &zbus::blocking::Connection, bus: &str, menu: &str) -> Vec<Entry> {
    let proxy = zbus::blocking::Proxy::new(conn, bus, menu, "com.canonical.dbusmenu").expect("menu proxy");
    let (_, (_, _, children)): (u32, Layout) =
        proxy.call("GetLayout", &(0i32, -1i32, Vec::<String>::new())).expect("GetLayout");
    children
        .iter()
        .filter_map(|child| {
            let value: &Value<'_> = child;
            let value = match value {
                Value::Value(inner) => inner.as_ref(),
                v => v,
            };
            let Value::Structure(s) = value else { return None };
            let [Value::I32(id), Value::Dict(props), ..] = s.fields() else { return None };
            let mut label = None;
            let mut enabled = true;
            for (k, v) in props.iter() {
                let v = match v {
                    Value::Value(inner) => inner.as_ref(),
                    v => v,
                };
                match (k, v) {
                    (Value::Str(k), Value::Str(l)) if k.as_str() == "label" => {
                        label = Some(l.as_str().replace('_', ""))
                    }
                    (Value::Str(k), Value::Bool(b)) if k.as_str() == "enabled" => enabled = *b,
                    _ => {}
                }
            }
            Some(Entry { id: *id, label: label?, enabled })
        })
        .collect()
}

fn click(conn: &zbus::blocking::Connection, bus: &str, menu: &str, entry: &Entry) {
    let proxy = zbus::blocking::Proxy::new(conn, bus, menu, "com.canonical.dbusmenu").expect("menu proxy");
    let _: () = proxy.call("Event", &(entry.id, "clicked", Value::from(0i32), 0u32)).expect("Event");
}

fn wait_for<T>(what: &str, secs: u64, mut f: impl FnMut() -> Option<T>) -> T {
    let deadline = Instant::now() + Duration::from_secs(secs);
    loop {
        if let Some(v) = f() {
            return v;
        }
        assert!(Instant::now() < deadline, "{what} within {secs} s");
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// Ends the app if the test failed before its Quit.
struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// At login, a person who is all set (here: excepted by IT) gets a report and the tray, no
/// window. The tray's menu says where they stand; Open opens the window; closing the window
/// leaves the app in the tray without its web page; Quit ends the app.
#[test]
fn at_login_an_all_set_person_gets_the_tray_whose_menu_opens_and_quits() {
    require_keyring();
    assert!(std::env::var_os("DISPLAY").is_some(), "the tray test needs a display: run it through scripts/test.sh");
    let items = Arc::new(Mutex::new(Vec::new()));
    let conn = zbus::blocking::connection::Builder::session()
        .and_then(|b| b.name("org.kde.StatusNotifierWatcher"))
        .and_then(|b| b.serve_at("/StatusNotifierWatcher", Watcher { items: items.clone() }))
        .and_then(|b| b.build())
        .expect("a tray host on the session bus");

    let server = Server::start().expect("server");
    server.seed().expect("seed");
    let home = Home::new().expect("home");
    let (_, link) = server.invite().expect("invite");
    assert_eq!(home.run(&["join", &link]).0, 0);
    server
        .admin(&[
            "exception",
            "grant",
            "--org",
            "acme",
            "--email",
            "ada@acme.test",
            "--owner",
            "it@acme.test",
            "--reason",
            "test",
        ])
        .expect("exception");
    let reports = server.stats().expect("stats")["posture_reports"].as_i64().expect("count");
    std::fs::write(home.state_path().with_file_name("outbox").join("made"), "0").expect("the last report long ago");

    let child = home.lastmile(&["--autostart"]).stdout(Stdio::null()).stderr(Stdio::null()).spawn().expect("spawn");
    let pid = child.id();
    let mut app = Running(child);

    // The app's item: registered by the app's own connection (its process id), with its menu.
    let dbus = zbus::blocking::fdo::DBusProxy::new(&conn).expect("bus");
    let (bus, path) = wait_for("the app's tray item", 30, || {
        items.lock().expect("lock").iter().find_map(|(sender, service)| {
            let name = zbus::names::BusName::try_from(sender.as_str()).ok()?;
            (dbus.get_connection_unix_process_id(name).ok()? == pid).then(|| {
                let path = if service.starts_with('/') { service.clone() } else { "/StatusNotifierItem".into() };
                (sender.clone(), path)
            })
        })
    });
    let item =
        zbus::blocking::Proxy::new(&conn, bus.as_str(), path.as_str(), "org.kde.StatusNotifierItem").expect("item");
    let menu: OwnedObjectPath = item.get_property("Menu").expect("the item's menu");
    let menu = menu.as_str().to_string();

    // Where Ada stands, once the app has her status.
    let menu_entries = wait_for("the standing in the tray's menu", 30, || {
        let e = entries(&conn, &bus, &menu);
        e.first().is_some_and(|first| first.label != "Lastmile").then_some(e)
    });
    let labels: Vec<&str> = menu_entries.iter().map(|e| e.label.as_str()).collect();
    assert_eq!(labels.first(), Some(&"Covered by an exception from Acme Ltd"), "{menu_entries:?}");
    assert!(!menu_entries[0].enabled, "the standing is a line, not a button");
    assert_eq!(&labels[labels.len() - 2..], ["Open Lastmile", "Quit Lastmile"], "{menu_entries:?}");
    assert_eq!(server.stats().expect("stats")["posture_reports"], reports + 1, "a report at login");
    let logs = home.logs();
    assert!(logs.contains("at login: the tray, no window"), "{logs}");
    assert!(!logs.contains("window opened"), "no window at login: {logs}");

    // Open: the window, which fetches its status.
    let open = menu_entries.iter().find(|e| e.label == "Open Lastmile").expect("open").clone();
    click(&conn, &bus, &menu, &open);
    wait_for("the window, open with its status", 30, || {
        let logs = home.logs();
        (logs.contains("window opened") && logs.contains("first status delivered to the window")).then_some(())
    });

    // The window closed as a person closes it (the window manager's WM_DELETE_WINDOW): the
    // app stays, in the tray, and the page's web process ends with the window (WebKit's
    // network process stays with the app); Open brings the window back.
    let web_processes = || {
        std::fs::read_dir("/proc")
            .expect("/proc")
            .filter_map(Result::ok)
            .filter(|p| {
                let status = std::fs::read_to_string(p.path().join("status")).unwrap_or_default();
                // The kernel keeps 15 characters of a name: WebKitWebProcess is WebKitWebProces.
                status.lines().any(|l| l.starts_with("Name:") && l.contains("WebKitWebProces"))
                    && status.lines().any(|l| l == format!("PPid:\t{pid}"))
            })
            .count()
    };
    assert_eq!(web_processes(), 1, "the open window has its web process");
    let asked = std::process::Command::new("/usr/bin/python3")
        .arg(concat!(env!("CARGO_MANIFEST_DIR"), "/tools/wm_close.py"))
        .args([pid.to_string().as_str(), "Lastmile"])
        .output()
        .expect("python3-xlib (scripts/setup.sh --test installs it)");
    assert_eq!(String::from_utf8_lossy(&asked.stdout).trim(), "1", "{}", String::from_utf8_lossy(&asked.stderr));
    wait_for("the window to close into the tray", 15, || {
        home.logs().contains("window closed; Lastmile stays in the tray").then_some(())
    });
    wait_for("the web process to go with the window", 15, || (web_processes() == 0).then_some(()));
    assert!(app.0.try_wait().expect("wait").is_none(), "the app stays in the tray");
    click(&conn, &bus, &menu, &open);
    wait_for("the window, open again", 30, || (home.logs().matches("window opened").count() == 2).then_some(()));

    // Quit: the app ends, with success.
    let quit = menu_entries.iter().find(|e| e.label == "Quit Lastmile").expect("quit").clone();
    click(&conn, &bus, &menu, &quit);
    let status = wait_for("the app to quit", 15, || app.0.try_wait().expect("wait"));
    assert!(status.success(), "{status:?}");
    assert!(home.logs().contains("quit from the tray"));
}
