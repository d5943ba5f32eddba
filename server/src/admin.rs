//! `server admin …`: the first admin is created here, never with a default password. Passwords
//! are read from a prompt (or the first line of standard input when it is not a terminal),
//! never from an argument, so they stay out of shell history and process lists.

use std::io::{BufRead, IsTerminal};

use anyhow::{Context, bail};
use app::foundation::db::Pool;
use clap::Subcommand;

use app::{
    foundation::audit::{self, Actor, Event},
    foundation::clock,
    staff::{
        Role,
        admin::{is_valid_username, role_list},
        password, session, store,
    },
};

#[derive(Debug, Subcommand)]
pub enum AdminCommand {
    /// Create a staff account; the password is asked for (or read from standard input).
    Create {
        #[arg(long)]
        username: String,
        /// A role to give (repeat for several): editor, reviewer, inspector_admin,
        /// contest_admin, admin.
        #[arg(long = "role", required = true)]
        roles: Vec<Role>,
        /// The name shown in the staff area (defaults to the username).
        #[arg(long)]
        display_name: Option<String>,
    },
    /// Set a new password for an account and end all its sessions.
    ResetPassword {
        #[arg(long)]
        username: String,
    },
    /// List the staff accounts.
    List,
}

impl AdminCommand {
    pub async fn run(self, pool: &Pool) -> anyhow::Result<()> {
        match self {
            AdminCommand::Create {
                username,
                roles,
                display_name,
            } => create(pool, &username, &roles, display_name.as_deref()).await,
            AdminCommand::ResetPassword { username } => reset_password(pool, &username).await,
            AdminCommand::List => list(pool).await,
        }
    }
}

async fn create(
    pool: &Pool,
    username: &str,
    roles: &[Role],
    display_name: Option<&str>,
) -> anyhow::Result<()> {
    let username = username.trim().to_lowercase();
    if !is_valid_username(&username) {
        bail!(
            "usernames are 3–32 lowercase letters, digits, '.', '_' or '-', starting with a letter"
        );
    }
    let mut roles = roles.to_vec();
    roles.sort();
    roles.dedup();
    let password = read_new_password(&username)?;
    let hash =
        password::hash(&password).map_err(|e| anyhow::anyhow!("hashing the password: {e}"))?;
    let display_name = display_name
        .map(str::trim)
        .filter(|n| !n.is_empty())
        .unwrap_or(&username);
    let account = store::NewAccount {
        username: &username,
        display_name,
        password_hash: &hash,
        roles: &roles,
    };
    match store::create(pool, account, clock::now()).await {
        Ok(_) => {}
        Err(store::StoreError::UsernameTaken) => {
            bail!("an account named `{username}` already exists")
        }
        Err(error) => return Err(error).context("creating the account"),
    }
    record(
        pool,
        app::foundation::audit::Action::AccountCreated,
        &username,
        &role_list(&roles),
    )
    .await?;
    println!(
        "created account `{username}` with roles {}",
        role_list(&roles)
    );
    Ok(())
}

async fn reset_password(pool: &Pool, username: &str) -> anyhow::Result<()> {
    let Some(account) = store::find_by_username(pool, username)
        .await
        .context("finding the account")?
    else {
        bail!("no account named `{}`", username.trim());
    };
    let password = read_new_password(&account.username)?;
    let hash =
        password::hash(&password).map_err(|e| anyhow::anyhow!("hashing the password: {e}"))?;
    store::set_password(pool, account.id, &hash, clock::now())
        .await
        .context("saving the password")?;
    session::end_all_for(pool, account.id, None)
        .await
        .context("ending the account's sessions")?;
    record(
        pool,
        app::foundation::audit::Action::PasswordReset,
        &account.username,
        "",
    )
    .await?;
    println!(
        "password of `{}` reset; its sessions have ended",
        account.username
    );
    Ok(())
}

async fn list(pool: &Pool) -> anyhow::Result<()> {
    let accounts = store::list(pool).await.context("listing accounts")?;
    if accounts.is_empty() {
        println!(
            "no accounts yet: create the first with `server admin create --username NAME --role admin`"
        );
    }
    for account in accounts {
        let state = if account.disabled {
            "disabled"
        } else {
            "active"
        };
        let last = account
            .last_login_at
            .map(clock::format_beijing)
            .unwrap_or_else(|| "never".into());
        println!(
            "{:<20} {:<8} {:<40} last sign-in {last}  ({})",
            account.username,
            state,
            role_list(&account.roles),
            account.display_name
        );
    }
    Ok(())
}

async fn record(
    pool: &Pool,
    action: app::foundation::audit::Action,
    target: &str,
    detail: &str,
) -> anyhow::Result<()> {
    let event = Event {
        actor: Actor::CommandLine,
        action,
        target,
        detail,
        client_ip: "",
    };
    audit::record(pool, event, clock::now())
        .await
        .context("writing the audit log")
}

/// Asks twice on a terminal; otherwise takes the first line of standard input.
fn read_new_password(username: &str) -> anyhow::Result<String> {
    let password = if std::io::stdin().is_terminal() {
        let first = rpassword::prompt_password("New password: ").context("reading the password")?;
        let again = rpassword::prompt_password("Repeat it: ").context("reading the password")?;
        if first != again {
            bail!("the two passwords differ");
        }
        first
    } else {
        let mut line = String::new();
        std::io::stdin()
            .lock()
            .read_line(&mut line)
            .context("reading the password from standard input")?;
        line.trim_end_matches(['\r', '\n']).to_string()
    };
    password::check_policy(username, &password).map_err(|refused| anyhow::anyhow!("{refused}"))?;
    Ok(password)
}
