//! Printing the syntax tree.
