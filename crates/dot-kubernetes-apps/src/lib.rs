//! The apps of dot-kubernetes.
