namespace Ppl.Inference.Tests.Conformance;

/// <summary>
/// Something done with a <see cref="ConformanceProblem"/>'s [Model] and its arguments at their own types
/// (<see cref="ConformanceProblem.Accept"/>): the problem hides them behind delegates, and a check that needs the typed
/// model (the tests' differentiable-form check, which asserts through xUnit and so cannot be compiled into the bench)
/// gets it here.
/// </summary>
public interface IConformanceModelVisitor
{
    /// <summary>Acts on <paramref name="model"/> with <paramref name="args"/> and <paramref name="observations"/>.</summary>
    void Visit<TArgs, TRet>(IGenerativeFunction<TArgs, TRet> model, TArgs args, ChoiceMap observations);
}
