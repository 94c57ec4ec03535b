namespace Ppl.Inference.Variational;

/// <summary>
/// Entry points of the objective language: <see cref="E"/> for expectation programs, and the
/// distributions objectives are built from (<see cref="Guide{TArgs,TRet}"/>, <see cref="Marginal{TArgs,TRet}"/>).
/// <code>
/// // A user objective in none of the anchors: a β-weighted ELBO with an L2 cost on the guide's mean.
/// var beta = 0.5;
/// var objective = Vi.E(vi =&gt;
/// {
///     var (x, logq) = q.RandomWeighted(vi);
///     var logLik = vi.Density(model, args, x) - vi.Density(prior, args, x);
///     vi.AddCost(-1e-3 * guide.Parameters.All["mu"].square().sum());
///     return logLik + beta * (vi.Density(prior, args, x) - logq);
/// });
/// </code>
/// </summary>
public static class Vi
{
    /// <summary>E(prog): the expectation of an expectation program.</summary>
    public static Expectation E(Func<ViContext, TorchSharp.torch.Tensor> program) => new(program);

    /// <summary>A guide with exact density.</summary>
    public static GuideDistribution<TArgs, TRet> Guide<TArgs, TRet>(IGenerativeFunction<TArgs, TRet> guide, TArgs args) => new(guide, args);

    /// <summary>marginal(model, selection, sir(particles)).</summary>
    public static Marginal<TArgs, TRet> Marginal<TArgs, TRet>(IGenerativeFunction<TArgs, TRet> model, TArgs args, Selection selection, int particles = 1) =>
        new(model, args, selection, particles);
}
