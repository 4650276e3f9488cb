//! obssl: SSL link-encryption status of OceanBase Cloud instances.
pub mod mock;
