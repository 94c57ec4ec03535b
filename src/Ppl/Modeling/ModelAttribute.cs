namespace Ppl.Modeling;

/// <summary>
/// Marks a static method of a <c>partial</c> class as a model. The source generator rewrites its body
/// into a generative function specialised per operation (see docs/ARCHITECTURE.md, "The generator"),
/// exposed as a static property named after the method plus <c>Model</c> (e.g. <c>LineModel</c>), with
/// a typed trace (<c>LineTrace</c>) and a typed builder of choices (<c>LineChoices</c>).
/// Inside the body, use the effects of <see cref="Effects"/> (<c>using static Ppl.Modeling.Effects;</c>).
/// </summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false, Inherited = false)]
public sealed class ModelAttribute : Attribute
{
    /// <summary>
    /// The name used in error messages and summaries; defaults to the method's name.
    /// </summary>
    public string? Name { get; set; }
}
