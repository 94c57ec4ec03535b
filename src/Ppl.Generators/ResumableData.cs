namespace Ppl.Generators
{
    /// <summary>A field of a model's resumable state machine: a parameter or a local that lives across pauses.</summary>
    /// <param name="Type">The field's type (fully qualified).</param>
    /// <param name="Name">The generated field name.</param>
    /// <param name="Parameter">The model parameter it holds (its ordinal), or −1 for a local.</param>
    /// <param name="Copied">True for arrays the body owns: a clone copies them.</param>
    internal sealed record ResumableField(string Type, string Name, int Parameter, bool Copied);

    /// <summary>
    /// A piece of the lowered step method: literal code (<paramref name="Text"/> not null) or the body's text in
    /// [Start, End) after the edits and site rewrites.
    /// </summary>
    internal sealed record ResumablePiece(string? Text, int Start, int End);

    /// <summary>
    /// A text edit of the body for the lowered form: the span [Start, Start + Length) becomes
    /// <paramref name="Prefix"/> + (the body's text in [InnerStart, InnerEnd), rewritten; none when InnerStart &lt; 0) + <paramref name="Suffix"/>.
    /// Renames locals to fields, turns break/continue of lowered loops into gotos, and returns into a stored return value.
    /// </summary>
    internal sealed record ResumableEdit(int Start, int Length, string Prefix, int InnerStart, int InnerEnd, string Suffix)
    {
        public int End => Start + Length;
    }

    /// <summary>
    /// The resumable form of a model (SPEC M7) as plain data: either the reason it is not lowered (the construct,
    /// also reported as PPL0010), or the fields, pieces and edits of its state machine. <paramref name="ObservationsReason"/>
    /// is null when every Sample statement is followed by a conditional pause (so the machine takes observations), else
    /// why not (the model is then lowered with pauses at Observe/Factor only; no diagnostic, SMC replays observed values).
    /// </summary>
    internal sealed record ResumableData(
        string? Reason,
        EquatableArray<ResumableField> Fields,
        EquatableArray<ResumablePiece> Pieces,
        EquatableArray<ResumableEdit> Edits,
        int Pauses,
        string? ObservationsReason);
}
