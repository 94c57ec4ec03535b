namespace Ppl.Inference.Mcmc;

/// <summary>
/// Factories for trace kernels and combinators, so that e.g. Gibbs on a discrete choice cycled with NUTS
/// on the continuous ones reads
/// <c>Kernel.Cycle(Kernel.Gibbs&lt;A, R&gt;("z"), Kernel.On&lt;A, R&gt;(Selection.At("mu"), new NutsKernel(), warmup))</c>.
/// </summary>
public static class Kernel
{
    /// <summary>Each kernel in turn.</summary>
    public static Cycle<TState> Cycle<TState>(params IKernel<TState>[] kernels) => new(kernels);

    /// <summary>One kernel at random with the given weights.</summary>
    public static Mixture<TState> Mixture<TState>(double[] weights, params IKernel<TState>[] kernels) => new(weights, kernels);

    /// <summary>The kernel applied <paramref name="times"/> times.</summary>
    public static Repeat<TState> Repeat<TState>(IKernel<TState> kernel, int times) => new(kernel, times);

    /// <summary>MH resampling the selected choices from the prior.</summary>
    public static MetropolisHastings<TArgs, TRet> Mh<TArgs, TRet>(Selection selection) => new(selection);

    /// <summary>Enumerative Gibbs on a finite discrete choice.</summary>
    public static EnumerativeGibbs<TArgs, TRet> Gibbs<TArgs, TRet>(Address address) => new(address);

    /// <summary>Elliptical slice sampling on Normal choices.</summary>
    public static EllipticalSlice<TArgs, TRet> EllipticalSlice<TArgs, TRet>(params Address[] addresses) => new(addresses);

    /// <summary>Involutive MCMC with an auxiliary proposal and an involution (e.g. a birth/death move).</summary>
    public static InvolutiveMh<TArgs, TRet, TAArgs, TARet> Involutive<TArgs, TRet, TAArgs, TARet>(
        IGenerativeFunction<TAArgs, TARet> auxiliary, Func<ITrace<TArgs, TRet>, TAArgs> auxiliaryArgs, Involution<TArgs, TRet> involution) =>
        new(auxiliary, auxiliaryArgs, involution);

    /// <summary>A gradient kernel restricted to the selected continuous choices.</summary>
    public static GradientOnSelection<TArgs, TRet> On<TArgs, TRet>(Selection selection, IGradientKernel kernel, int warmup) => new(selection, kernel, warmup);
}
