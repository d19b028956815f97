//! Engagement: nudges through a webhook with links to the right step.

use super::*;
use lastmile_core::deep_link::{DeepLink, Step};
use lastmile_server::engage::{self, Format, Webhook};
use std::sync::Mutex;

/// A webhook receiver on loopback: keeps each body; answers `status`.
pub(super) async fn receiver(status: u16) -> (url::Url, Arc<Mutex<Vec<Value>>>) {
    use axum::routing::post;
    let got = Arc::new(Mutex::new(Vec::new()));
    let keep = got.clone();
    let app = axum::Router::new().route(
        "/hook",
        post(move |axum::Json(v): axum::Json<Value>| {
            let keep = keep.clone();
            async move {
                keep.lock().expect("lock").push(v);
                StatusCode::from_u16(status).expect("status")
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let url = url::Url::parse(&format!("http://{}/hook", listener.local_addr().expect("addr"))).expect("url");
    tokio::spawn(async move { axum::serve(listener, app).await });
    (url, got)
}

async fn org(h: &Harness) -> lastmile_server::store::Org {
    store::org_by_slug(&h.state.db.pool, "acme").await.expect("org").expect("acme")
}

#[tokio::test]
async fn users_with_gaps_are_nudged_once_with_a_link_to_the_right_step() {
    use lastmile_core::clock::Clock;
    let h = harness().await;
    let ada = h.joined().await; // Ada has a device; Bob has none.
    admin::create_user(&h.state.db, &*h.clock, "acme", "bob@acme.test", "Bob").await.expect("bob");
    let org = org(&h).await;
    let server = url::Url::parse("https://mfa.acme.test/").expect("url");
    const DAY: i64 = 86_400_000;

    // A dry run shows who would be nudged and records nothing.
    let dry = engage::run(&h.state.db.pool, &org, &server, None, DAY, 100, h.clock.now()).await.expect("dry");
    assert_eq!(dry.sent.len(), 2);
    assert_eq!(h.count("nudges").await, 0);

    // The webhook is down: nothing is recorded, no invite is stored.
    let invites = h.count("invites").await;
    let (down, _) = receiver(500).await;
    let hook = Webhook::new(down, Format::Json).expect("webhook");
    let out = engage::run(&h.state.db.pool, &org, &server, Some(&hook), DAY, 100, h.clock.now()).await.expect("run");
    assert_eq!((out.sent.len(), out.failed.len()), (0, 2));
    assert_eq!((h.count("nudges").await, h.count("invites").await), (0, invites));

    // It works: Ada gets a link that opens the step, Bob one with a fresh invite.
    let (up, got) = receiver(200).await;
    let hook = Webhook::new(up, Format::Json).expect("webhook");
    let out = engage::run(&h.state.db.pool, &org, &server, Some(&hook), DAY, 100, h.clock.now()).await.expect("run");
    assert_eq!(out.sent.len(), 2, "{out:?}");
    let bodies = got.lock().expect("lock").clone();
    let by = |email: &str| bodies.iter().find(|b| b["email"] == email).cloned().expect("nudge");
    let (a, b) = (by("ada@acme.test"), by("bob@acme.test"));
    assert_eq!(a["step"], "totp");
    assert_eq!(DeepLink::parse(a["link"].as_str().expect("link")).expect("link"), DeepLink::Open { step: Step::Totp });
    assert!(a["gaps"][0].as_str().is_some_and(|g| g.contains("strong")), "{a}");
    let DeepLink::Join { input, step } = DeepLink::parse(b["link"].as_str().expect("link")).expect("link") else {
        panic!("Bob has no device: a join link, {b}");
    };
    assert_eq!((step, input.server.as_ref().map(url::Url::as_str)), (Some(Step::Totp), Some("https://mfa.acme.test/")));
    // The invite works once.
    let (s, v) = h.join(&input.code.grouped()).await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    assert_eq!(h.join(&input.code.grouped()).await.0, StatusCode::GONE);

    // Within the interval nobody is nudged again; after it, those still with a gap are.
    let again = engage::run(&h.state.db.pool, &org, &server, Some(&hook), DAY, 100, h.clock.now()).await.expect("run");
    assert!(again.sent.is_empty(), "{again:?}");
    h.clock.advance(DAY + 1);
    let (slack, got) = receiver(200).await;
    let hook = Webhook::new(slack, Format::Slack).expect("webhook");
    let later = engage::run(&h.state.db.pool, &org, &server, Some(&hook), DAY, 100, h.clock.now()).await.expect("run");
    assert_eq!(later.sent.len(), 2);
    let text = got.lock().expect("lock")[0]["text"].as_str().unwrap_or_default().to_string();
    assert!(text.contains("Acme Ltd") && text.contains("lastmile://"), "{text}");
    let nudged = lastmile_server::audit::list(&h.state.db.pool, None)
        .await
        .expect("audit")
        .into_iter()
        .filter(|e| e.kind == "engagement.nudged")
        .count();
    assert_eq!(nudged, 4, "each delivered nudge is an audit event");
    drop(ada);
}

/// Webhooks: https only (http to a loopback address for development); a redirect is a
/// failed delivery, never followed; Slack's markup characters in names are escaped, so a
/// user named `<!channel>` or a link in a host name stays plain text.
#[tokio::test]
async fn webhooks_are_https_follow_no_redirects_and_escape_slack_markup() {
    use lastmile_core::clock::Clock;
    for bad in ["http://hooks.example/x", "ftp://127.0.0.1/x", "file:///etc/passwd"] {
        let err = Webhook::new(url::Url::parse(bad).expect("url"), Format::Json).expect_err(bad).to_string();
        assert!(err.contains("https"), "{bad}: {err}");
    }
    for good in ["https://hooks.example/x", "http://127.0.0.1:9/x", "http://[::1]:9/x", "http://localhost:9/x"] {
        assert!(Webhook::new(url::Url::parse(good).expect("url"), Format::Json).is_ok(), "{good}");
    }

    let h = harness().await;
    admin::create_user(&h.state.db, &*h.clock, "acme", "eve@acme.test", "<!channel> & <https://evil.example|click>")
        .await
        .expect("eve");
    let org = org(&h).await;
    let server = url::Url::parse("https://mfa.acme.test/").expect("url");
    // A receiver that redirects to another: the second never hears of it.
    let (target, reached) = receiver(200).await;
    let redirect = {
        use axum::routing::post;
        let to = target.to_string();
        let app = axum::Router::new().route(
            "/hook",
            post(move || {
                let to = to.clone();
                async move { (StatusCode::TEMPORARY_REDIRECT, [(header::LOCATION, to)]) }
            }),
        );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let url = url::Url::parse(&format!("http://{}/hook", listener.local_addr().expect("addr"))).expect("url");
        tokio::spawn(async move { axum::serve(listener, app).await });
        url
    };
    let hook = Webhook::new(redirect, Format::Slack).expect("webhook");
    let out = engage::run(&h.state.db.pool, &org, &server, Some(&hook), 1, 100, h.clock.now()).await.expect("run");
    assert_eq!((out.sent.len(), out.failed.len()), (0, 2), "Ada and Eve: {out:?}");
    assert!(reached.lock().expect("lock").is_empty(), "the redirect was not followed");

    let hook = Webhook::new(target, Format::Slack).expect("webhook");
    let out = engage::run(&h.state.db.pool, &org, &server, Some(&hook), 1, 100, h.clock.now()).await.expect("run");
    assert_eq!(out.sent.len(), 2, "{out:?}");
    let texts: Vec<String> =
        reached.lock().expect("lock").iter().map(|b| b["text"].as_str().unwrap_or_default().to_string()).collect();
    let text = texts.iter().find(|t| t.contains("channel")).expect("Eve's nudge").clone();
    assert!(text.contains("&lt;!channel&gt; &amp; &lt;https://evil.example|click&gt;"), "{text}");
    assert!(!text.contains('<') && !text.contains('>'), "{text}");
}
