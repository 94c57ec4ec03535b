namespace Ppl.Inference;

/// <summary>
/// A result that converts to the one result type, <see cref="Posterior"/> (draws or weighted draws by name, means with
/// Monte Carlo standard errors, a summary, the log evidence where there is one), so code that consumes inference
/// results, a table of estimates or a plot, is written once for every algorithm.
/// </summary>
public interface IPosteriorResult
{
    /// <summary>The result's draws of its scalar quantities as a <see cref="Posterior"/>.</summary>
    Posterior ToPosterior();
}
