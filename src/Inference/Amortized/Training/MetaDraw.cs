namespace Ppl.Inference.Amortized.Training;

/// <summary>
/// What a meta-model written as a Ppl model returns for one simulation: the prior's parameters φ, the
/// latent x (original space) and the observations z (one row per observation, single source).
/// </summary>
/// <param name="Prior">
/// The prior: the family's parameters (P numbers) for a parametric prior; for a K-component mixture prior
/// over f(x), the K weights, then the K·D means, then the K·D·D row-major lower Cholesky factors.
/// </param>
/// <param name="Latent">x, D numbers.</param>
/// <param name="Observations">z, N rows of Dz numbers.</param>
public sealed record MetaDraw(double[] Prior, double[] Latent, double[][] Observations);
