%% The ring benchmark on BEAM, for comparison with bench/ring.mjs: N processes pass a token
%% around M times (N*M hops). Prints one JSON line.
-module(ring).
-export([main/2]).

main(N, M) ->
    T0 = erlang:monotonic_time(microsecond),
    Self = self(),
    First = lists:foldl(fun(_, Next) -> spawn_link(fun() -> ring_node(Next) end) end, Self, lists:seq(1, N - 1)),
    First ! {token, N * M},
    head(First),
    T1 = erlang:monotonic_time(microsecond),
    Ms = (T1 - T0) / 1000,
    io:format("{\"hops\":~b,\"ms\":~.3f,\"hopsPerSec\":~b,\"schedulers\":~b}~n",
              [N * M, Ms, round(N * M / Ms * 1000), erlang:system_info(schedulers_online)]).

ring_node(Next) ->
    receive
        {token, K} when is_integer(K) ->
            Next ! {token, K - 1},
            ring_node(Next)
    end.

head(Next) ->
    receive
        {token, K} when K =< 0 -> ok;
        {token, K} ->
            Next ! {token, K - 1},
            head(Next)
    end.
