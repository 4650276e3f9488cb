//! [`SecretKind`]: which secret (the AccessKey secret, the DB password), and
//! the names of its sources.

/// Which secret: its name in messages and the names of its sources.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SecretKind {
    /// The AccessKey secret.
    AccessKey,
    /// The password of `probe --db-user`.
    DbPassword,
}

impl SecretKind {
    /// "the AccessKey secret", "the DB password".
    pub fn what(self) -> &'static str {
        match self {
            SecretKind::AccessKey => "the AccessKey secret",
            SecretKind::DbPassword => "the DB password",
        }
    }

    /// The profile key holding the value in plain text.
    pub fn plain_key(self) -> &'static str {
        match self {
            SecretKind::AccessKey => "access_key_secret",
            SecretKind::DbPassword => "db_password",
        }
    }

    /// The profile key naming a command that prints it.
    pub fn command_key(self) -> &'static str {
        match self {
            SecretKind::AccessKey => "access_key_secret_command",
            SecretKind::DbPassword => "db_password_command",
        }
    }

    /// The profile key saying it is in the credential store (`= "keyring"`).
    pub fn store_key(self) -> &'static str {
        match self {
            SecretKind::AccessKey => "access_key_secret_store",
            SecretKind::DbPassword => "db_password_store",
        }
    }

    /// The credential store's `service` attribute (the `username` is the
    /// AccessKey ID, or the DB user).
    pub fn store_service(self) -> &'static str {
        match self {
            SecretKind::AccessKey => "obssl",
            SecretKind::DbPassword => "obssl-db",
        }
    }

    /// The file name in `$CREDENTIALS_DIRECTORY`.
    pub fn credential_name(self) -> &'static str {
        match self {
            SecretKind::AccessKey => "obssl-access-key-secret",
            SecretKind::DbPassword => "obssl-db-password",
        }
    }
}
