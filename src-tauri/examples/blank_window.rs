//! A blank Tauri 2 window (about:blank), the baseline `scripts/bench.sh` measures the app's
//! memory against. Same Tauri version, features and build profile as the app.

fn main() {
    let mut context = tauri::generate_context!();
    context.config_mut().app.windows.clear();
    let result = tauri::Builder::default()
        .setup(|app| {
            let url = tauri::WebviewUrl::External("about:blank".parse()?);
            tauri::WebviewWindowBuilder::new(app, "blank", url).title("blank").build()?;
            Ok(())
        })
        .run(context);
    if let Err(e) = result {
        eprintln!("blank window: {e}");
        std::process::exit(1);
    }
}
