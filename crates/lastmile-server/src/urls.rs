//! The one rule for URLs the server fetches from, sends to or names itself by (webhooks, the
//! FIDO metadata source, the OpenID Connect issuer and clients' redirect URIs): https, or http
//! only to a loopback address (a development or test set-up on the same machine).

/// Whether `url` is https, or http to `localhost` or a loopback IP address.
pub fn https_or_loopback(url: &url::Url) -> bool {
    let loopback = match url.host() {
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    };
    url.scheme() == "https" || (url.scheme() == "http" && loopback)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn https_anywhere_http_only_on_loopback() {
        let ok = ["https://mfa.example", "http://localhost:8080/x", "http://127.0.0.2/", "http://[::1]:9/"];
        let refused = ["http://mfa.example", "http://10.0.0.1/", "ftp://localhost/", "file:///etc/passwd"];
        for u in ok {
            assert!(https_or_loopback(&url::Url::parse(u).expect(u)), "{u}");
        }
        for u in refused {
            assert!(!https_or_loopback(&url::Url::parse(u).expect(u)), "{u}");
        }
    }
}
