namespace Ppl.Modeling;

/// <summary>
/// A generated model whose body an outside algorithm can run against its own handler: how inference that needs
/// something other than the generative function interface's operations (variational inference's tensor log densities
/// on the autograd graph) runs a <c>[Model]</c> method as written, with no second copy of the model.
/// </summary>
/// <typeparam name="TArgs">The arguments.</typeparam>
/// <typeparam name="TRet">The return value.</typeparam>
public interface IRunsWithHandler<TArgs, TRet> : IGenerativeFunction<TArgs, TRet>
{
    /// <summary>The model's static metadata: its name and the address of each static slot the handler is given.</summary>
    ModelMetadata Metadata { get; }

    /// <summary>Runs the body once against <paramref name="handler"/>; the handler decides every effect.</summary>
    TRet RunWith<TH>(ref TH handler, TArgs args) where TH : struct, IModelHandler;
}
