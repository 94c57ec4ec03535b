namespace Ppl.Inference.Amortized.Training;

/// <summary>
/// A simulator of the joint p(φ) p(x | φ) p(z | x) that amortized training draws fresh batches from:
/// a meta-prior over priors, a latent from the prior, observations given the latent.
/// </summary>
public interface IMetaModel
{
    /// <summary>Draws <paramref name="batchSize"/> independent simulations.</summary>
    MetaBatch Simulate(int batchSize, Rng rng);
}
