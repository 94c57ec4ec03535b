// Every property runs from a fixed seed, so a test run is reproducible.
[assembly: FsCheck.Xunit.Properties(Replay = "(20261127,4211)")]
