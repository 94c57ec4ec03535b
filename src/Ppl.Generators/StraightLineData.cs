namespace Ppl.Generators
{
    /// <summary>What one top-level statement of a straight-line model is (see <see cref="StraightLineLowering"/>).</summary>
    internal enum StraightStepKind
    {
        /// <summary>A statement without sites, emitted as written.</summary>
        Text,

        /// <summary><c>T x = Sample(d);</c>: a static scalar (double, int or bool) choice declared as a local.</summary>
        Sample,

        /// <summary><c>Observe(d, v, …);</c>: a static scalar observation as a statement.</summary>
        Observe,

        /// <summary>The final <c>return e;</c>.</summary>
        Return,
    }

    /// <summary>
    /// One top-level statement: its kind, the index of its site in <see cref="ModelData.Sites"/> (−1 for text and
    /// return), its span in the body (the statement for text, the expression for return), and for a choice the
    /// local's name and fully qualified type.
    /// </summary>
    internal sealed record StraightLineStep(StraightStepKind Kind, int Site, SpanData Span, string Local, string LocalType);

    /// <summary>The straight-line form of a model: its top-level statements in order.</summary>
    internal sealed record StraightLineData(EquatableArray<StraightLineStep> Steps);

    internal sealed partial record ModelData
    {
        /// <summary>The straight-line form (assess and regenerate without a handler), or null when the model has none.</summary>
        public StraightLineData? StraightLine { get; init; }
    }
}
