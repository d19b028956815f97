//! QR codes, rendered locally: the otpauth URI never leaves the device for rendering.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use qrcode::QrCode;
use qrcode::render::svg;

/// `text` as an SVG QR code in a `data:` URL (the window's CSP allows `data:` images only).
pub fn svg_data_url(text: &str) -> Result<String, qrcode::types::QrError> {
    let svg =
        QrCode::new(text.as_bytes())?.render::<svg::Color<'_>>().min_dimensions(200, 200).quiet_zone(true).build();
    Ok(format!("data:image/svg+xml;base64,{}", STANDARD.encode(svg)))
}

#[cfg(test)]
mod tests {
    #[test]
    fn renders_an_svg_data_url() {
        let url = super::svg_data_url("otpauth://totp/A:b?secret=GEZDGNBV").expect("qr");
        assert!(url.starts_with("data:image/svg+xml;base64,PD94"), "{}", &url[..40]);
    }
}
