using Ppl.Distributions.Tensors;
using Ppl.Inference.Amortized.Exact;

namespace Ppl.Inference.Amortized.Operators;

/// <summary>
/// A filter built from a posterior operator: each step predicts exactly through linear-Gaussian dynamics
/// (component by component) and then updates with the operator, whose mixture posterior is the next
/// prior. The cost per step does not grow with time.
/// </summary>
/// <typeparam name="TObservations">The observations of one step.</typeparam>
/// <param name="dynamics">The transition x' = A x + N(0, Q).</param>
/// <param name="update">The update operator (exact, particle or learned).</param>
public sealed class GmmFilter<TObservations>(LinearGaussianDynamics dynamics, IPosteriorOperator<Gmm, TObservations, Gmm> update)
{
    /// <summary>The dynamics.</summary>
    public LinearGaussianDynamics Dynamics { get; } = dynamics ?? throw new ArgumentNullException(nameof(dynamics));

    /// <summary>The update operator.</summary>
    public IPosteriorOperator<Gmm, TObservations, Gmm> UpdateOperator { get; } = update ?? throw new ArgumentNullException(nameof(update));

    /// <summary>One step: predict <paramref name="posterior"/> forward, then condition on <paramref name="observations"/>.</summary>
    public Gmm Step(Gmm posterior, TObservations observations) => UpdateOperator.Update(GmmKalman.Predict(posterior, Dynamics), observations);

    /// <summary>
    /// Runs the filter from <paramref name="initial"/>, the prior of the first state (not predicted), and
    /// returns the filtering posterior after each step.
    /// </summary>
    public IReadOnlyList<Gmm> Run(Gmm initial, IEnumerable<TObservations> observations)
    {
        ArgumentNullException.ThrowIfNull(initial);
        ArgumentNullException.ThrowIfNull(observations);
        var result = new List<Gmm>();
        Gmm? current = null;
        foreach (var z in observations)
        {
            current = current is null ? UpdateOperator.Update(initial, z) : Step(current, z);
            result.Add(current);
        }
        return result;
    }
}
