use super::{Adapter, VenueError, VenueEvent};
#[derive(Default)]
pub struct Kraken;
impl Adapter for Kraken {
    fn subscribe(&mut self, _: &[String]) -> Vec<String> {
        vec![]
    }
    fn unsubscribe(&mut self, _: &[String]) -> Vec<String> {
        vec![]
    }
    fn decode(&mut self, _: &[u8], _: &mut Vec<VenueEvent>) -> Result<(), VenueError> {
        Ok(())
    }
}
