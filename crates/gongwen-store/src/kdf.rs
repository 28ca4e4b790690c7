use std::path::Path;

use argon2::{Algorithm, Argon2, Params, Version};
use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

use crate::StoreError;

/// A 256-bit database key, wiped from memory when dropped.
pub struct Key(Zeroizing<[u8; 32]>);

impl Key {
    pub fn from_bytes(bytes: [u8; 32]) -> Key {
        Key(Zeroizing::new(bytes))
    }

    /// Stretches a passphrase with Argon2id.
    pub fn from_passphrase(passphrase: &str, params: &KdfParams) -> Result<Key, StoreError> {
        let argon = Argon2::new(
            Algorithm::Argon2id,
            Version::V0x13,
            Params::new(
                params.memory_kib,
                params.iterations,
                params.parallelism,
                Some(32),
            )
            .map_err(|e| StoreError::KdfFile(e.to_string()))?,
        );
        let salt =
            hex_decode(&params.salt_hex).ok_or_else(|| StoreError::KdfFile("salt".into()))?;
        let mut key = Zeroizing::new([0u8; 32]);
        argon
            .hash_password_into(passphrase.as_bytes(), &salt, key.as_mut())
            .map_err(|e| StoreError::KdfFile(e.to_string()))?;
        Ok(Key(key))
    }

    pub(crate) fn bytes(&self) -> &[u8] {
        self.0.as_slice()
    }

    /// SQLCipher's raw-key form: x'…' with 64 hex digits.
    pub(crate) fn pragma_value(&self) -> Zeroizing<String> {
        let mut out = Zeroizing::new(String::with_capacity(67));
        out.push_str("x'");
        for b in self.0.iter() {
            out.push(char::from(b"0123456789abcdef"[usize::from(b >> 4)]));
            out.push(char::from(b"0123456789abcdef"[usize::from(b & 15)]));
        }
        out.push('\'');
        out
    }
}

/// Argon2id parameters and salt, kept beside the database (not secret).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KdfParams {
    pub algorithm: String,
    pub memory_kib: u32,
    pub iterations: u32,
    pub parallelism: u32,
    pub salt_hex: String,
}

impl KdfParams {
    /// New parameters with a fresh salt from the OS.
    pub fn generate() -> Result<KdfParams, StoreError> {
        let mut salt = [0u8; 16];
        let mut urandom = std::fs::File::open("/dev/urandom").map_err(|source| StoreError::Io {
            path: "/dev/urandom".into(),
            source,
        })?;
        std::io::Read::read_exact(&mut urandom, &mut salt).map_err(|source| StoreError::Io {
            path: "/dev/urandom".into(),
            source,
        })?;
        Ok(KdfParams {
            algorithm: "argon2id".into(),
            // OWASP's recommended Argon2id setting: 19 MiB, 2 passes.
            memory_kib: 19 * 1024,
            iterations: 2,
            parallelism: 1,
            salt_hex: salt.iter().map(|b| format!("{b:02x}")).collect(),
        })
    }

    pub fn load(path: &Path) -> Result<Option<KdfParams>, StoreError> {
        match std::fs::read_to_string(path) {
            Ok(text) => serde_json::from_str(&text)
                .map(Some)
                .map_err(|e| StoreError::KdfFile(e.to_string())),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(source) => Err(StoreError::Io {
                path: path.to_path_buf(),
                source,
            }),
        }
    }

    pub fn save(&self, path: &Path) -> Result<(), StoreError> {
        let text =
            serde_json::to_string_pretty(self).map_err(|e| StoreError::KdfFile(e.to_string()))?;
        std::fs::write(path, text).map_err(|source| StoreError::Io {
            path: path.to_path_buf(),
            source,
        })
    }
}

fn hex_decode(hex: &str) -> Option<Vec<u8>> {
    if !hex.len().is_multiple_of(2) {
        return None;
    }
    (0..hex.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(hex.get(i..i + 2)?, 16).ok())
        .collect()
}
