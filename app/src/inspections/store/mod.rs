//! The SQL of the inspection draws, by what it stores. Public queries never select the private
//! columns (`legal_representative`, `phone`); only the staff export does.

mod draws;
mod log;
mod registries;
mod results;

pub use draws::*;
pub use log::*;
pub use registries::*;
pub use results::*;
