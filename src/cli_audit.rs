//! `gongjiang audit …`: verify the chain (against a signed checkpoint too), make a signing
//! key, sign a checkpoint. Exit codes: 0 intact, 3 broken, cut or rewritten, 2 bad input.

use crate::cli::AuditCommand;
use crate::config::Config;
use crate::server;
use gongjiang_app::audit_checkpoints::{Against, AuditKey, Checkpoint, take};
use std::process::ExitCode;

fn read(path: &str, what: &str) -> anyhow::Result<String> {
    std::fs::read_to_string(path).map_err(|e| anyhow::anyhow!("cannot read the {what} {path}: {e}"))
}

fn key(path: &str) -> anyhow::Result<AuditKey> {
    AuditKey::parse(&read(path, "key file")?).map_err(|e| anyhow::anyhow!("{path}: {e}"))
}

pub(crate) async fn run(config: &Config, action: AuditCommand) -> anyhow::Result<ExitCode> {
    match action {
        AuditCommand::Keygen { file } => {
            if std::path::Path::new(&file).exists() {
                eprintln!("error: {file} exists: a signing key is never overwritten");
                return Ok(ExitCode::from(2));
            }
            let (key, text) = AuditKey::generate();
            write_private(&file, &text)?;
            println!("audit signing key written to {file}");
            println!("public: {}", key.public_hex());
        }
        AuditCommand::Checkpoint { key: key_file, out } => {
            let key = key(&key_file)?;
            let db = server::connect(config).await?;
            let taken = take(&db, &key).await;
            db.close().await;
            let (_, text) = match taken {
                Ok(t) => t,
                Err(e) => {
                    eprintln!("error: {e}");
                    return Ok(ExitCode::from(3));
                }
            };
            if let Some(out) = out {
                std::fs::write(&out, &text)
                    .map_err(|e| anyhow::anyhow!("cannot write {out}: {e}"))?;
            }
            print!("{text}");
        }
        AuditCommand::Verify {
            checkpoint,
            key: key_file,
        } => {
            let signed = match (checkpoint, key_file) {
                (Some(c), Some(k)) => {
                    match Checkpoint::verified(&read(&c, "checkpoint")?, &key(&k)?) {
                        Ok(signed) => Some(signed),
                        Err(e) => {
                            println!("CHECKPOINT REFUSED: {c}: {e}");
                            return Ok(ExitCode::from(3));
                        }
                    }
                }
                _ => None,
            };
            let db = server::connect(config).await?;
            let v = gongjiang_app::audit::verify(&db).await?;
            let against = match &signed {
                Some(c) => Some(gongjiang_app::audit_checkpoints::against(&db, c).await?),
                None => None,
            };
            db.close().await;
            if !v.is_intact() {
                println!(
                    "AUDIT CHAIN BROKEN after entry {}: {:?} (head matches: {})",
                    v.checked, v.problem, v.head_matches
                );
                return Ok(ExitCode::from(3));
            }
            match (signed, against) {
                (Some(c), Some(Against::Cut { head_seq })) => {
                    println!(
                        "AUDIT CHAIN CUT: the checkpoint vouches for entry {}, the chain ends at {head_seq}",
                        c.seq
                    );
                    return Ok(ExitCode::from(3));
                }
                (Some(c), Some(Against::Rewritten)) => {
                    println!(
                        "AUDIT CHAIN REWRITTEN: entry {} no longer has the hash the checkpoint vouches for",
                        c.seq
                    );
                    return Ok(ExitCode::from(3));
                }
                (Some(c), _) => println!(
                    "audit chain intact: {} entries verified, and it holds to the checkpoint of entry {}",
                    v.checked, c.seq
                ),
                (None, _) => println!("audit chain intact: {} entries verified", v.checked),
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// Writes a file only its owner may read.
fn write_private(path: &str, text: &str) -> anyhow::Result<()> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options
        .open(path)
        .map_err(|e| anyhow::anyhow!("cannot create {path}: {e}"))?;
    file.write_all(text.as_bytes())
        .map_err(|e| anyhow::anyhow!("cannot write {path}: {e}"))?;
    Ok(())
}
