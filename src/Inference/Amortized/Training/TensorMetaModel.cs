namespace Ppl.Inference.Amortized.Training;

/// <summary>A meta-model written directly as a batched tensor simulator (fast: one set of tensor operations per batch).</summary>
/// <param name="simulate">Draws a batch of the given size.</param>
public sealed class TensorMetaModel(Func<int, Rng, MetaBatch> simulate) : IMetaModel
{
    private readonly Func<int, Rng, MetaBatch> _simulate = simulate ?? throw new ArgumentNullException(nameof(simulate));

    /// <inheritdoc />
    public MetaBatch Simulate(int batchSize, Rng rng) => _simulate(batchSize, rng);
}
