//! obssl: SSL link-encryption status of OceanBase Cloud instances.
