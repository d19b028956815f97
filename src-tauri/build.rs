//! Generates the Tauri context and the permissions of the app's own commands, so that the
//! capability file can grant the window exactly the commands it uses.

include!("src/gui/command_names.rs");

fn main() {
    println!("cargo:rerun-if-changed=src/gui/command_names.rs");
    let commands = tauri_build::AppManifest::new().commands(COMMANDS);
    if let Err(e) = tauri_build::try_build(tauri_build::Attributes::new().app_manifest(commands)) {
        panic!("tauri-build failed: {e:#}");
    }
}
