namespace Ppl.Generators.CodeFixes
{
    /// <summary>
    /// The ids of the generator's diagnostics that have code fixes (see src/Ppl.Generators/Diagnostics.cs).
    /// Repeated here as constants so this assembly does not load the generator's.
    /// </summary>
    internal static class FixIds
    {
        public const string LoopAddress = "PPL0002";
        public const string DiscardedSample = "PPL0004";
        public const string UnsupportedSignature = "PPL0005";

        /// <summary>The class whose static methods are the effects a [Model] body performs.</summary>
        public const string EffectsType = "Ppl.Modeling.Effects";

        /// <summary>The type of one address segment (an int or a string converts to it).</summary>
        public const string AddressSegmentType = "Ppl.AddressSegment";
    }
}
