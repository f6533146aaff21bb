//! Generated regions.
