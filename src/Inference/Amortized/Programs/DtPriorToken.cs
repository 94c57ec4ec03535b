using Ppl.Distributions.Tensors;

namespace Ppl.Inference.Amortized.Programs;

/// <summary>
/// How a traced program's prior over its latents becomes the Distribution Transformer's prior tokens.
/// <list type="bullet">
/// <item><see cref="FromArguments"/>: the prior is a parametric family whose parameters are (functions of)
/// the model's arguments, e.g. InvGamma(α, β) with α, β arguments. Training draws the arguments from a
/// meta-prior, so one network serves every prior of the family (the paper's prior-flexible operator).</item>
/// <item><see cref="Mixture"/>: the prior over f(latents) is given as a Gaussian mixture, the same for every problem.</item>
/// <item><see cref="FittedToPrior"/>: the model's prior is fixed but not a mixture (or is awkward to write down):
/// a mixture is fitted by EM to f(latents) of simulations of the model, once, and used for every problem.</item>
/// </list>
/// With a fixed prior the token carries no information that varies between problems, so the network is a
/// conditional density estimator of the posterior given the data either way; giving it the prior's own
/// mixture (rather than an arbitrary constant) is what makes the prior-reconstruction term of the loss
/// meaningful and keeps the output in the space of prior tokens, so the posterior can be fed back as the next
/// prior. Its accuracy does not affect the correctness of importance sampling with the trained proposal.
/// </summary>
/// <typeparam name="TArgs">The model's arguments.</typeparam>
public abstract class DtPriorToken<TArgs>
{
    private DtPriorToken() { }

    /// <summary>The prior's family parameters, computed from the model's arguments (read by a distribution embedding: set <c>DtConfig.PriorParameterCount</c>).</summary>
    public static DtPriorToken<TArgs> FromArguments(Func<TArgs, double[]> parameters) =>
        new Parametric(parameters ?? throw new ArgumentNullException(nameof(parameters)));

    /// <summary>A fixed Gaussian mixture over f(latents): weights [K], means [K, D], lower Cholesky factors [K, D, D].</summary>
    public static DtPriorToken<TArgs> Mixture(Gmm mixture)
    {
        ArgumentNullException.ThrowIfNull(mixture);
        if (mixture.Means.dim() != 2)
            throw new ArgumentException($"The prior mixture must have no batch dimensions (means [K, D]); its means are [{string.Join(", ", mixture.Means.shape)}].", nameof(mixture));
        return new FixedMixture(mixture);
    }

    /// <summary>A <paramref name="components"/>-component mixture fitted by EM to f(latents) of <paramref name="simulations"/> simulations of the model.</summary>
    public static DtPriorToken<TArgs> FittedToPrior(int components = 3, int simulations = 4096)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(components, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(simulations, components);
        return new Fitted(components, simulations);
    }

    internal sealed class Parametric(Func<TArgs, double[]> parameters) : DtPriorToken<TArgs>
    {
        public Func<TArgs, double[]> Parameters { get; } = parameters;
    }

    internal sealed class FixedMixture(Gmm mixture) : DtPriorToken<TArgs>
    {
        public Gmm Value { get; } = mixture;
    }

    internal sealed class Fitted(int components, int simulations) : DtPriorToken<TArgs>
    {
        public int Components { get; } = components;

        public int Simulations { get; } = simulations;
    }
}
