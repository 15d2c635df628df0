%% gen_server:call round trips on BEAM, for comparison with bench/gen_server.mjs: one client
%% calls one server N times (each call: monitor, send, receive the reply, demonitor).
%% The module is its own callback module. Prints one JSON line.
-module(gen_server_call).
-behaviour(gen_server).
-export([main/1, init/1, handle_call/3, handle_cast/2]).

main(N) ->
    {ok, Server} = gen_server:start(?MODULE, 0, []),
    loop(Server, 10000), % warm up
    T0 = erlang:monotonic_time(microsecond),
    loop(Server, N),
    T1 = erlang:monotonic_time(microsecond),
    Ms = (T1 - T0) / 1000,
    io:format("{\"calls\":~b,\"ms\":~.3f,\"callsPerSec\":~b,\"schedulers\":~b}~n",
              [N, Ms, round(N / Ms * 1000), erlang:system_info(schedulers_online)]).

loop(_Server, 0) -> ok;
loop(Server, K) ->
    K = gen_server:call(Server, {bump, K}),
    loop(Server, K - 1).

init(N) -> {ok, N}.

handle_call({bump, K}, _From, N) -> {reply, K, N + 1}.

handle_cast(_Msg, N) -> {noreply, N}.
