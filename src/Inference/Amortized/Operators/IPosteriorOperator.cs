namespace Ppl.Inference.Amortized.Operators;

/// <summary>
/// A Bayesian update as an operator: a prior and observations in, the posterior out. Exact (Kalman,
/// conjugate), particle and learned (Distribution Transformer) implementations share it, so a filter or
/// a comparison can swap one for another.
/// </summary>
/// <typeparam name="TPrior">The prior representation (a batch of priors).</typeparam>
/// <typeparam name="TObservations">The observations (one set per batch member).</typeparam>
/// <typeparam name="TPosterior">The posterior representation.</typeparam>
public interface IPosteriorOperator<in TPrior, in TObservations, out TPosterior>
{
    /// <summary>The posterior given <paramref name="prior"/> and <paramref name="observations"/>.</summary>
    TPosterior Update(TPrior prior, TObservations observations);
}
