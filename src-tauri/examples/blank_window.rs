//! A blank Tauri 2 window, the memory baseline `scripts/bench.sh` measures the app against.
//! Same Tauri version, features and build profile as the app. It shows an empty HTML
//! document served from a custom URI scheme, as the app's own assets are (`about:blank`
//! would not even start WebKit's web process, which any real page needs).

fn main() {
    let mut context = tauri::generate_context!();
    context.config_mut().app.windows.clear();
    let result = tauri::Builder::default()
        .register_uri_scheme_protocol("blank", |_ctx, _request| {
            tauri::http::Response::builder()
                .header("content-type", "text/html")
                .body(b"<!doctype html><title>blank</title>".to_vec())
                .unwrap_or_default()
        })
        .setup(|app| {
            let url = tauri::WebviewUrl::External("blank://localhost/".parse()?);
            tauri::WebviewWindowBuilder::new(app, "blank", url).title("blank").build()?;
            Ok(())
        })
        .run(context);
    if let Err(e) = result {
        eprintln!("blank window: {e}");
        std::process::exit(1);
    }
}
