using Ppl.Inference.Amortized.Transformer;

namespace Ppl.Inference.Amortized.Programs;

/// <summary>
/// One latent choice of a traced program that a Distribution Transformer infers: its address (a scalar
/// <c>double</c> choice of the model) and the elementwise transform f whose image the mixture posterior
/// lives on (the identity for a real choice, the logarithm for a positive one).
/// </summary>
/// <param name="Address">The model's address of the choice.</param>
/// <param name="Transform">The sample-space transform of this dimension.</param>
public sealed record DtLatent(Address Address, SampleSpaceTransform Transform)
{
    /// <summary>A real-valued choice (the mixture is over the value itself).</summary>
    public static DtLatent Real(Address address) => new(address, SampleSpaceTransform.Identity);

    /// <summary>A positive choice such as a variance (the mixture is over its logarithm).</summary>
    public static DtLatent Positive(Address address) => new(address, SampleSpaceTransform.Log);

    /// <summary>A real-valued choice at a path such as <c>"w/2"</c> (parsed by <see cref="Address.Parse"/>).</summary>
    public static DtLatent Real(string path) => Real(Address.Parse(path));

    /// <summary>A positive choice at a path such as <c>"scale/1"</c> (parsed by <see cref="Address.Parse"/>).</summary>
    public static DtLatent Positive(string path) => Positive(Address.Parse(path));

    /// <summary>Real-valued latents at <paramref name="addresses"/>, in that order.</summary>
    public static IReadOnlyList<DtLatent> Reals(params Address[] addresses) => [.. addresses.Select(Real)];
}
