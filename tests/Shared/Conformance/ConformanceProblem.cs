using Ppl.Inference.Mcmc;

namespace Ppl.Inference.Tests.Conformance;

/// <summary>
/// One data set of a <see cref="ConformanceCase"/>: the true values it was simulated from, and the model conditioned on
/// it, ready for any gradient kernel (<see cref="Sample"/>) or any algorithm that takes a density (<see cref="Density"/>).
/// </summary>
/// <param name="Truth">The simulated value of every ranked quantity, by draw name (<c>mu</c>, <c>beta/0</c>, <c>L/1/0</c>).</param>
/// <param name="Sample">Runs <c>McmcSampler.Sample</c> on the [Model] with its arguments and observations, with the given kernel.</param>
/// <param name="Density">The model's differentiable density on unconstrained space (<c>ModelDensity.Create</c>).</param>
/// <param name="Accept">
/// Hands the [Model], its arguments and its observations at their own types to a visitor (the tests' check of the
/// differentiable form against <c>Assess</c>, <c>DifferentiableFormCheck</c>, is one).
/// </param>
/// <param name="Exact">The exact posterior mean and standard deviation of some quantities, by draw name, where the model is conjugate; else null.</param>
public sealed record ConformanceProblem(
    IReadOnlyDictionary<string, double> Truth,
    Func<IGradientKernel, McmcSettings, Rng, McmcResult> Sample,
    Func<IModelDensity> Density,
    Action<IConformanceModelVisitor> Accept,
    IReadOnlyDictionary<string, (double Mean, double Sd)>? Exact = null)
{
    /// <summary>The problem of <paramref name="model"/> with <paramref name="args"/> and <paramref name="observations"/>.</summary>
    public static ConformanceProblem Of<TArgs, TRet>(IGenerativeFunction<TArgs, TRet> model, TArgs args, ChoiceMap observations,
        IReadOnlyDictionary<string, double> truth, IReadOnlyDictionary<string, (double Mean, double Sd)>? exact = null) =>
        new(truth, (kernel, settings, rng) => McmcSampler.Sample(model, args, observations, kernel, settings, rng),
            () => ModelDensity.Create(model, args, observations),
            visitor => visitor.Visit(model, args, observations), exact);
}
