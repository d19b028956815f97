//! `lastmile-server admin ...`: each command calls one operation of
//! [`lastmile_server::admin`] and prints its result.
#![allow(clippy::print_stdout)] // admin commands print their results

use anyhow::Context;
use lastmile_core::clock::Clock;
use lastmile_server::admin;
use lastmile_server::db::Db;

use crate::cli::{
    AdminCommand, AuditCommand, ClientAuthKind, DeviceCommand, ExceptionCommand, ExportFormat, GroupCommand,
    InviteCommand, OidcClientCommand, OidcKeyCommand, OrgCommand, SealKeyCommand, SsoCommand, Storage, TokenCommand,
    UserCommand,
};

fn print_invite(inv: admin::IssuedInvite, json: bool) -> anyhow::Result<()> {
    if json {
        println!("{}", serde_json::to_string_pretty(&inv)?);
    } else {
        println!("Invite for {} ({})", inv.email, inv.organisation);
        println!("  code: {}", inv.code);
        println!("  link: {}", inv.link);
        println!("  expires: {} (Unix ms)", inv.expires_at_ms);
    }
    Ok(())
}

pub async fn run(db: &Db, storage: &Storage, clock: &dyn Clock, command: AdminCommand) -> anyhow::Result<()> {
    match command {
        AdminCommand::OidcClient { command } => match command {
            OidcClientCommand::Create {
                org,
                name,
                profile,
                redirect_uris,
                auth,
                jwks_file,
                tenants,
                entra_app_id,
                factors,
                pkce,
            } => {
                let auth = match (auth, jwks_file) {
                    (None, None) => admin::ClientAuth::None,
                    (Some(ClientAuthKind::Secret), None) => admin::ClientAuth::Secret,
                    (Some(ClientAuthKind::PrivateKeyJwt), Some(path)) => admin::ClientAuth::PrivateKeyJwt(
                        std::fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))?,
                    ),
                    (Some(ClientAuthKind::PrivateKeyJwt), None) => {
                        anyhow::bail!("--auth private-key-jwt needs the client's public keys: --jwks-file")
                    }
                    (_, Some(_)) => anyhow::bail!("--jwks-file goes with --auth private-key-jwt"),
                };
                let req =
                    admin::ClientRequest { name, profile, redirect_uris, auth, tenants, entra_app_id, factors, pkce };
                let registered = admin::register_oidc_client(db, clock, &org, &req).await?;
                println!("{}", serde_json::to_string_pretty(&registered)?);
            }
            OidcClientCommand::List { org } => {
                for client in admin::oidc_clients(db, &org).await? {
                    println!("{}", serde_json::to_string(&client)?);
                }
            }
            OidcClientCommand::Disable { org, client_id } => {
                admin::disable_oidc_client(db, clock, &org, &client_id).await?;
                println!("client {client_id} disabled");
            }
        },
        AdminCommand::Sso { command } => match command {
            SsoCommand::Add {
                org,
                name,
                issuer,
                client_id,
                client_secret_file,
                client_key_file,
                person,
                domains,
                jit,
                group_claim,
                group_map,
                scope,
            } => {
                let read = |path: &std::path::Path| {
                    std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))
                };
                let auth = match (client_secret_file, client_key_file) {
                    (Some(path), None) => admin::SsoAuth::Secret(read(&path)?),
                    (None, Some(path)) => admin::SsoAuth::PrivateKeyJwt(read(&path)?),
                    (None, None) => admin::SsoAuth::None,
                    (Some(_), Some(_)) => anyhow::bail!("--client-secret-file or --client-key-file, not both"),
                };
                let req = admin::SsoRequest {
                    name,
                    issuer,
                    client_id,
                    auth,
                    person,
                    domains,
                    jit,
                    group_claim,
                    group_map,
                    scope,
                };
                let keys = storage.seal_keys()?;
                let provider = admin::add_sso_provider(db, clock, &keys, &org, &req).await?;
                println!("{}", serde_json::to_string_pretty(&provider)?);
            }
            SsoCommand::List { org } => {
                for provider in admin::sso_providers(db, &org).await? {
                    println!("{}", serde_json::to_string(&provider)?);
                }
            }
            SsoCommand::Disable { org, id } => {
                admin::disable_sso_provider(db, clock, &org, &id).await?;
                println!("sign-in {id} disabled");
            }
        },
        AdminCommand::OidcKey { command } => {
            let path = storage.oidc_key_file();
            let now = clock.now();
            match command {
                OidcKeyCommand::List => {
                    let keys = lastmile_server::oidc::SigningKeys::load_or_create(&path, now)?;
                    for key in keys.list(now) {
                        println!("{}", serde_json::to_string(&key)?);
                    }
                }
                OidcKeyCommand::Rotate { overlap_hours } => {
                    lastmile_server::oidc::SigningKeys::load_or_create(&path, now)?;
                    let overlap = i64::from(overlap_hours) * 3_600_000;
                    let r = lastmile_server::oidc::keys::rotate(&path, now, overlap)?;
                    println!("{}", serde_json::to_string(&r)?);
                }
            }
        }
        AdminCommand::SealKey { command: SealKeyCommand::Rotate } => {
            let keys = storage.seal_keys()?;
            let old = keys.current_id();
            let (new, resealed) = admin::rotate_seal_key(db, &keys, std::time::Duration::from_secs(2)).await?;
            println!(
                "seal key rotated: {old} -> {new}; {resealed} TOTP seeds and sign-in credentials resealed; back up the new key file"
            );
        }
        AdminCommand::Org { command: OrgCommand::Create { slug, name } } => {
            let org = admin::create_org(db, clock, &slug, &name).await?;
            println!("created organisation {} ({})", org.slug, org.id);
        }
        AdminCommand::User { command: UserCommand::Create { org, email, name } } => {
            let user = admin::create_user(db, clock, &org, &email, &name).await?;
            println!("created user {} ({})", user.email, user.id);
        }
        AdminCommand::Invite { command: InviteCommand::Create { org, email, ttl_hours, server_url, json } } => {
            let inv = admin::create_invite(db, clock, &org, &email, ttl_hours, server_url.as_deref()).await?;
            print_invite(inv, json)?;
        }
        AdminCommand::User { command: UserCommand::SetGroup { org, email, group } } => {
            admin::set_user_group(db, clock, &org, &email, Some(&group)).await?;
            println!("{email} now follows the policy of group {group:?}");
        }
        AdminCommand::Group { command: GroupCommand::Set { org, name, policy_file } } => {
            let text = if policy_file.as_os_str() == "-" {
                std::io::read_to_string(std::io::stdin())?
            } else {
                std::fs::read_to_string(&policy_file).with_context(|| format!("reading {}", policy_file.display()))?
            };
            let users = admin::set_group(db, clock, &org, &name, &text).await?;
            println!("policy group {name:?} set; {users} user(s) re-evaluated");
        }
        AdminCommand::Exception { command: ExceptionCommand::Grant { org, email, owner, reason, days } } => {
            let until = admin::grant_exception(db, clock, &org, &email, &owner, &reason, days).await?;
            println!("exception for {email} granted by {owner} until {until} (Unix ms)");
        }
        AdminCommand::Token { command: TokenCommand::Create { org, name } } => {
            let token = admin::create_admin_token(db, clock, &org, &name).await?;
            println!("{token}");
            eprintln!("Shown once. Open /admin on the server and paste it, or send it as Authorization: Bearer.");
        }
        AdminCommand::Token { command: TokenCommand::Revoke { org, name } } => {
            let n = admin::revoke_admin_tokens(db, clock, &org, &name).await?;
            println!("revoked {n} admin token(s) named {name:?}");
        }
        AdminCommand::Engage { org, server_url, webhook_url, format, every_hours, limit } => {
            let webhook = webhook_url.map(|u| format.webhook("webhook URL", &u)).transpose()?;
            let out = admin::engage(db, clock, &org, &server_url, webhook.as_ref(), every_hours, limit).await?;
            println!("{}", serde_json::to_string_pretty(&out)?);
            if !out.failed.is_empty() {
                anyhow::bail!("{} nudge(s) were not delivered; they are tried again on the next run", out.failed.len());
            }
        }
        AdminCommand::Dashboard { org } => {
            println!("{}", serde_json::to_string_pretty(&admin::dashboard(db, clock, &org).await?)?);
        }
        AdminCommand::Device { command: DeviceCommand::Unsigned { org } } => {
            for device in admin::unsigned_devices(db, &org).await? {
                println!("{}", serde_json::to_string(&device)?);
            }
        }
        AdminCommand::Device { command: DeviceCommand::Revoke { device_id } } => {
            admin::revoke_device(db, clock, &device_id).await?;
            println!("revoked device {device_id}");
        }
        AdminCommand::Demo { server_url, json } => {
            let inv = admin::demo(db, clock, &server_url).await?;
            print_invite(inv, json)?;
        }
        AdminCommand::Stats => {
            let counts: serde_json::Map<String, serde_json::Value> =
                admin::stats(db).await?.into_iter().map(|(t, n)| (t.to_string(), n.into())).collect();
            println!("{}", serde_json::Value::Object(counts));
        }
        AdminCommand::Audit { command: None } => {
            for event in admin::audit_events(db).await? {
                println!("{}", serde_json::to_string(&event)?);
            }
        }
        AdminCommand::Audit { command: Some(AuditCommand::Export { from, to, format }) } => {
            let events = admin::audit_export(db, clock, &from, to.as_deref()).await?;
            match format {
                ExportFormat::Csv => lastmile_server::audit::write_csv(&events, std::io::stdout().lock())?,
                ExportFormat::Json => println!("{}", serde_json::to_string_pretty(&events)?),
            }
        }
        AdminCommand::Audit { command: Some(AuditCommand::Checkpoint { file }) } => {
            let key = storage.checkpoint_key()?;
            let c = lastmile_server::checkpoint::sign_head(&db.pool, &key, clock.now()).await?;
            lastmile_server::checkpoint::append(&file, &c)?;
            println!("{}", serde_json::to_string(&c)?);
        }
        AdminCommand::Audit { command: Some(AuditCommand::CheckpointKey) } => {
            print!("{}", storage.checkpoint_key()?.public_pem()?);
        }
        AdminCommand::Audit { command: Some(AuditCommand::Verify { checkpoints, checkpoint_public_key }) } => {
            let report = match &checkpoints {
                None => admin::audit_verify(db).await?,
                Some(file) => {
                    let verifier = match &checkpoint_public_key {
                        Some(pem) => lastmile_server::checkpoint::CheckpointVerifier::from_pem(
                            &std::fs::read(pem).with_context(|| format!("reading {}", pem.display()))?,
                        )?,
                        None => storage.checkpoint_key()?.verifier()?,
                    };
                    let signed = lastmile_server::checkpoint::read(file)?;
                    lastmile_server::audit::verify_with_checkpoints(&db.pool, &signed, &verifier).await?
                }
            };
            match &report.first_bad {
                None => {
                    let older = if report.unchained > 0 {
                        format!(", {} older events from before the chain", report.unchained)
                    } else {
                        String::new()
                    };
                    let anchored = if checkpoints.is_some() {
                        format!(", matching {} signed checkpoints", report.checkpoints)
                    } else {
                        String::new()
                    };
                    println!("audit log intact: {} events chained{older}{anchored}", report.events);
                }
                Some(bad) => {
                    let row = bad.id.map(|id| format!(" (row {id})")).unwrap_or_default();
                    anyhow::bail!("audit log NOT intact at event {}{row}: {}", bad.seq, bad.reason);
                }
            }
        }
    }
    Ok(())
}
